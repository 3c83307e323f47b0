/**
 * Sends a route's JSON answer typed by its contract (@wakeflow/contracts): a handler cannot answer a shape, or a
 * status, that the contract — and so the OpenAPI document and the web app — does not know.
 */
import type { Response } from 'express';
import type { z } from 'zod';
import type { RouteContract } from '@wakeflow/contracts';

/**
 * What serializes to a schema's JSON: a `Date` where the wire has an ISO string (`res.json` turns one into the
 * other). An open object (`.loose()`) checks its named keys only, so a handler may pass a typed row or interface.
 */
export type Serializable<T> = T extends string
  ? string | Date
  : T extends readonly (infer Item)[]
    ? readonly Serializable<Item>[]
    : T extends object
      ? string extends keyof T
        ? NamedKeys<T> extends Record<string, never>
          ? unknown extends T[string]
            ? object
            : { [key: string]: Serializable<T[string]> }
          : NamedKeys<T>
        : { [K in keyof T]: Serializable<T[K]> }
      : T;

type NamedKeys<T> = { [K in keyof T as string extends K ? never : K]: Serializable<T[K]> };

type JsonStatus<R extends RouteContract> = {
  [S in keyof R['responses']]: R['responses'][S] extends z.ZodType ? S : never;
}[keyof R['responses']] &
  number;

type BodyOf<R extends RouteContract, S extends keyof R['responses']> = R['responses'][S] extends z.ZodType
  ? Serializable<z.input<R['responses'][S]>>
  : never;

export function answer<R extends RouteContract, S extends JsonStatus<R>>(
  res: Response,
  _route: R,
  status: S,
  body: BodyOf<R, S>,
): void {
  res.status(status).json(body);
}
