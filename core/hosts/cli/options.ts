import { z } from 'zod';
import type { MethodSpec } from '../../api';

export interface CliOption {
  readonly field: string;
  readonly flag: string;
  readonly description: string;
  readonly type: 'string' | 'number' | 'boolean' | 'array';
  readonly required: boolean;
  readonly choices?: readonly string[];
}

interface JsonSchemaProperty {
  type?: string | string[];
  enum?: unknown[];
  description?: string;
  items?: JsonSchemaProperty;
  anyOf?: JsonSchemaProperty[];
  const?: unknown;
}

function kebab(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

function typeOf(property: JsonSchemaProperty): CliOption['type'] {
  const types = [property.type, ...(property.anyOf ?? []).map((p) => p.type)].flat().filter(Boolean);
  if (types.includes('array')) return 'array';
  if (types.includes('boolean')) return 'boolean';
  if (types.includes('number') || types.includes('integer')) return 'number';
  return 'string';
}

/** The CLI's options for a method, read from its input schema, so a new contract field needs no CLI code. */
export function optionsOf(spec: MethodSpec): {
  args: string[];
  /** Positional arguments' types; an `array` one is variadic and must come last. */
  argTypes: CliOption['type'][];
  options: CliOption[];
} {
  const schema = z.toJSONSchema(spec.input, { io: 'input', unrepresentable: 'any' }) as {
    properties?: Record<string, JsonSchemaProperty>;
    required?: string[];
  };
  const args = [...(spec.cli?.args ?? [])];
  const required = new Set(schema.required ?? []);
  const argTypes = args.map((arg) => {
    const property = schema.properties?.[arg];
    return property ? typeOf(property) : 'string';
  });
  const options = Object.entries(schema.properties ?? {})
    .filter(([field]) => !args.includes(field))
    .map(([field, property]): CliOption => {
      const choices =
        property.enum ??
        property.items?.enum ??
        property.anyOf?.flatMap((p) => p.enum ?? (p.const === undefined ? [] : [p.const]));
      return {
        field,
        flag: `--${kebab(spec.cli?.flags?.[field] ?? field)}`,
        description: property.description ?? '',
        type: typeOf(property),
        required: required.has(field),
        ...(choices && choices.length > 0 ? { choices: choices.map(String) } : {}),
      };
    });
  return { args, argTypes, options };
}

/** Turns a flag's text into the JSON the schema expects; the engine still validates the result. */
export function coerceOption(option: CliOption, raw: unknown): unknown {
  switch (option.type) {
    case 'number':
      return typeof raw === 'string' && raw.trim() !== '' && !Number.isNaN(Number(raw)) ? Number(raw) : raw;
    case 'boolean':
      return raw === true || raw === 'true' ? true : raw === 'false' ? false : raw;
    case 'array':
      return Array.isArray(raw) ? raw : [raw];
    case 'string':
      return raw;
  }
}
