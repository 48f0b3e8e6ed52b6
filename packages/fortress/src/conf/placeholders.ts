// `{{NAME}}` placeholders in template files.
import { FortressError } from '@fortress/core/errors';

/** Fills every `{{NAME}}`; a name without a value is a template error, never left in a service. */
export function fillPlaceholders(text: string, values: Readonly<Record<string, string>>, where: string): string {
  return text.replace(/\{\{([A-Z][A-Z0-9_]*)\}\}/g, (_match, name: string) => {
    const value = values[name];
    if (value === undefined) throw new FortressError('ERR_TEMPLATE', `${where}: no value for {{${name}}}`);
    return value;
  });
}

/** Quotes one word for sh, as a run script needs it. */
export function shellQuote(word: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}
