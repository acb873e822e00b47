// Each marked line must fail `tsc --strict` with the error code and text its `// expect` marker
// names, and nothing else may fail (make test-types checks both), so that good.ts cannot pass by accepting anything.
import type { Command, ClusterOptions, DiffPageOptions, JoinOptions, Recipe } from "duckline";

export const misspeltOp: Command = { op: "trimm", column: "name" }; // expect TS2820 Did you mean '"trim"'
export const missingParameter: Command = { op: "pad_zeros", column: "zip" }; // expect TS2322 Property 'length' is missing
export const wrongParameterType: Command = { op: "pad_zeros", column: "zip", length: "5" }; // expect TS2322 Type 'string' is not assignable to type 'number'
export const unknownParameter: Command = { op: "trim", column: "name", extra: 1 }; // expect TS2353 'extra' does not exist
export const badMatchMode: Command = { op: "replace", column: "a", find: "x", replaceWith: "y", match: "glob" }; // expect TS2322 'MatchMode'
export const badOperator: Command = { op: "filter_rows", column: "a", operator: "<>" }; // expect TS2322 'FilterOperator'
export const rowIdsAsStrings: Command = { op: "delete_rows", rowIds: ["1"] }; // expect TS2322 Type 'string' is not assignable to type 'number'
export const missingOp: Command = { column: "name" }; // expect TS2322 Property '"op"' is missing
export const badMethod: ClusterOptions = { column: "city", method: "soundex" }; // expect TS2322 'ClusterMethod | undefined'
export const badStatus: DiffPageOptions = { statuses: ["changed"] }; // expect TS2322 'DiffStatus'
export const badHow: JoinOptions = { left: "a", right: "b", on: ["id"], how: "outer" }; // expect TS2322 'JoinKind'
export const badVersion: Recipe = { version: 2, steps: [] }; // expect TS2322 Type '2' is not assignable to type '1'
