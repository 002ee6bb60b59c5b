/**
 * A minimal XML writer for the messages this package builds. Written here rather than taken from a
 * library because the output is small and fixed in shape: elements, one attribute (Ccy), escaped
 * text, two-space indentation. Every builder re-parses its own output, so a writer bug cannot
 * leave the package as invalid XML.
 */
export type XmlNode = { name: string; attributes?: Record<string, string>; children?: XmlNode[]; text?: string };

// Characters XML 1.0 cannot carry at all (C0 controls other than tab, LF, CR; U+FFFE, U+FFFF).
const FORBIDDEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/;
const SPECIAL = /[&<>"']/g;
const ENTITY: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

/** Escapes character data and attribute values; refuses characters XML 1.0 cannot carry. */
export function escapeXml(value: string): string {
  const forbidden = FORBIDDEN.exec(value);
  if (forbidden !== null)
    throw new Error(`character U+${(forbidden[0].codePointAt(0) ?? 0).toString(16).padStart(4, '0')} cannot appear in XML`);
  return value.replace(SPECIAL, (c) => ENTITY[c] ?? c);
}

function write(node: XmlNode, depth: number, out: string[]): void {
  const indent = '  '.repeat(depth);
  const attributes = Object.entries(node.attributes ?? {})
    .map(([key, value]) => ` ${key}="${escapeXml(value)}"`)
    .join('');
  const children = node.children ?? [];
  if (children.length === 0) {
    out.push(`${indent}<${node.name}${attributes}>${escapeXml(node.text ?? '')}</${node.name}>`);
    return;
  }
  out.push(`${indent}<${node.name}${attributes}>`);
  for (const child of children) write(child, depth + 1, out);
  out.push(`${indent}</${node.name}>`);
}

/** Serialises a document with an XML declaration, UTF-8. */
export function serialize(root: XmlNode): string {
  const out = ['<?xml version="1.0" encoding="UTF-8"?>'];
  write(root, 0, out);
  return `${out.join('\n')}\n`;
}

/** `el('Nm', 'text')`, `el('Dbtr', [children])`, or undefined children/text dropped by `compact`. */
export function el(name: string, content?: string | (XmlNode | undefined)[], attributes?: Record<string, string>): XmlNode {
  if (typeof content === 'string') return attributes ? { name, text: content, attributes } : { name, text: content };
  return { name, children: (content ?? []).filter((c): c is XmlNode => c !== undefined) };
}

/** An element only when its value is present. */
export function optional(name: string, value: string | undefined): XmlNode | undefined {
  return value === undefined || value === '' ? undefined : el(name, value);
}
