/**
 * The `yaml` package, loaded on first use: `run` with a compile-cache hit and no settings or
 * vars files never evaluates it. The bundled CLI gets its CommonJS exports under `default`;
 * tsx and Node give them as named exports.
 */
export type YamlModule = typeof import('yaml');

export async function loadYaml(): Promise<YamlModule> {
  const mod = (await import('yaml')) as YamlModule & { default?: YamlModule };
  return mod.LineCounter ? mod : mod.default!;
}
