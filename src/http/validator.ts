import type { TSchema } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { Value } from '@sinclair/typebox/value';
import type { FastifySchemaCompiler } from 'fastify';

/**
 * Fastify validates with TypeBox's compiled checks, compiled once per route. Query strings and
 * params arrive as strings and are converted first ("true" → true); bodies are checked as sent.
 */
export const typeboxValidatorCompiler: FastifySchemaCompiler<TSchema> = ({ schema, httpPart }) => {
  const checker = TypeCompiler.Compile(schema);
  return (value: unknown) => {
    const converted = httpPart === 'body' ? value : Value.Convert(schema, value);
    if (checker.Check(converted)) return { value: converted };
    const seen = new Set<string>();
    const errors = [];
    for (const error of checker.Errors(converted)) {
      if (seen.has(error.path)) continue;
      seen.add(error.path);
      errors.push({ message: error.message, instancePath: error.path, schemaPath: '', keyword: '', params: {} });
      if (errors.length >= 20) break;
    }
    return { error: errors as never };
  };
};
