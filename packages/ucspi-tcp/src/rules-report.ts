// tcprulescheck's text for a decision.
import type { RuleDecision } from './rules-lookup.js';

export function formatDecision(decision: RuleDecision): string {
  let out = decision.key === undefined ? 'default:\n' : `rule ${decision.key}:\n`;
  if (decision.deny) return `${out}deny connection\n`;
  for (const [name, value] of decision.env) out += `set environment variable ${name}=${value}\n`;
  return `${out}allow connection\n`;
}
