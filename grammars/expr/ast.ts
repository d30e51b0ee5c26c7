/**
 * The expression AST (SPEC X-2). Plain JSON-safe objects so a parsed expression can
 * live inside the compiled IR and be stored. Every node carries its source range
 * as offsets [start, end) into the expression text.
 */
export type Range = [number, number];

export type ExprNode =
  | { type: 'Literal'; value: null | boolean | number | string; /** true when the literal was written as a float (1.0, 1e3) */ float?: boolean; range: Range }
  | { type: 'Name'; id: string; range: Range }
  | { type: 'List'; elts: ExprNode[]; range: Range }
  | { type: 'Tuple'; elts: ExprNode[]; range: Range }
  | { type: 'Set'; elts: ExprNode[]; range: Range }
  | { type: 'Dict'; keys: ExprNode[]; values: ExprNode[]; range: Range }
  | { type: 'Attribute'; value: ExprNode; attr: string; range: Range }
  | { type: 'Subscript'; value: ExprNode; index: ExprNode; range: Range }
  | { type: 'Slice'; lower: ExprNode | null; upper: ExprNode | null; step: ExprNode | null; range: Range }
  | { type: 'Call'; func: ExprNode; args: ExprNode[]; keywords: { arg: string; value: ExprNode }[]; range: Range }
  | { type: 'Unary'; op: '-' | '+' | 'not'; operand: ExprNode; range: Range }
  | { type: 'Binary'; op: '+' | '-' | '*' | '/' | '//' | '%' | '**'; left: ExprNode; right: ExprNode; range: Range }
  | { type: 'BoolOp'; op: 'and' | 'or'; values: ExprNode[]; range: Range }
  | {
      type: 'Compare';
      left: ExprNode;
      ops: ('==' | '!=' | '<' | '<=' | '>' | '>=' | 'in' | 'not in' | 'is' | 'is not')[];
      comparators: ExprNode[];
      range: Range;
    }
  | { type: 'IfExp'; test: ExprNode; body: ExprNode; orelse: ExprNode; range: Range }
  | {
      type: 'Comprehension';
      kind: 'list' | 'set' | 'generator' | 'dict';
      /** For dict comprehensions `elt` is the key and `value` the value. */
      elt: ExprNode;
      value?: ExprNode;
      generators: { target: ExprNode; iter: ExprNode; ifs: ExprNode[] }[];
      range: Range;
    };
