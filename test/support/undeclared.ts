import type { TSchema } from '@sinclair/typebox';

interface SchemaNode {
  type?: string;
  properties?: Record<string, SchemaNode>;
  additionalProperties?: boolean | SchemaNode;
  items?: SchemaNode;
  anyOf?: SchemaNode[];
}

/**
 * JSON-pointer paths of the properties in `value` that `schema` does not declare (objects open
 * with additionalProperties: true excepted). Responses are sent as the worker's JSON text, not
 * through a schema serializer that would drop such properties: nothing internal may leak.
 */
export function undeclaredProperties(schema: TSchema, value: unknown, path = ''): string[] {
  const node = schema as SchemaNode;
  if (node.anyOf) {
    // A union (only of literals or plain types in the responses): the first branch that declares everything.
    const tries = node.anyOf.map((branch) => undeclaredProperties(branch as TSchema, value, path));
    return tries.find((found) => found.length === 0) ?? tries[0];
  }
  if (Array.isArray(value) && node.items) return value.flatMap((item, i) => undeclaredProperties(node.items as TSchema, item, `${path}/${i}`));
  if (value === null || typeof value !== 'object' || !node.properties) return [];
  const found: string[] = [];
  for (const [key, item] of Object.entries(value)) {
    const declared = node.properties[key];
    if (declared) found.push(...undeclaredProperties(declared as TSchema, item, `${path}/${key}`));
    else if (node.additionalProperties !== true) found.push(`${path}/${key}`);
  }
  return found;
}
