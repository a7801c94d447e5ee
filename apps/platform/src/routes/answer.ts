import type { TypedResponse } from "hono";

/**
 * The JSON body a route handler answers with, as its client reads it (a Date is ISO text, as
 * `c.json` writes it). The dashboard's pages are typed from these, so renaming a field in a route
 * fails the typecheck of every page that reads it.
 */
export type AnswerOf<H extends (...args: never[]) => unknown> = JsonOf<Awaited<ReturnType<H>>>;

type JsonOf<R> = R extends TypedResponse<infer T, infer _Status, "json"> ? T : never;
