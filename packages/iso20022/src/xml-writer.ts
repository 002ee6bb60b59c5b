/**
 * A minimal XML writer for the messages this package builds. Written here rather than taken from a
 * library because the output is small and fixed in shape: elements, one attribute (Ccy), escaped
 * text, two-space indentation. Every builder re-parses its own output, so a writer bug cannot
 * leave the package as invalid XML.
 */
export type XmlNode = { name: string; attributes?: Record<string, string>; children?: XmlNode[]; text?: string };

/** The first character XML 1.0 cannot carry (C0 controls but tab, LF, CR; U+FFFE, U+FFFF), or -1. */
function forbiddenAt(value: string): number {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if ((c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) || c === 0xfffe || c === 0xffff) return i;
  }
  return -1;
}
const SPECIAL = /[&<>"']/g;
const ENTITY: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
};

/** Escapes character data and attribute values; refuses characters XML 1.0 cannot carry. */
export function escapeXml(value: string): string {
  const at = forbiddenAt(value);
  if (at >= 0)
    throw new Error(`character U+${value.charCodeAt(at).toString(16).padStart(4, '0')} cannot appear in XML`);
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
export function el(
  name: string,
  content?: string | (XmlNode | undefined)[],
  attributes?: Record<string, string>,
): XmlNode {
  if (typeof content === 'string') return attributes ? { name, text: content, attributes } : { name, text: content };
  return { name, children: (content ?? []).filter((c): c is XmlNode => c !== undefined) };
}

/** An element only when its value is present. */
export function optional(name: string, value: string | undefined): XmlNode | undefined {
  return value === undefined || value === '' ? undefined : el(name, value);
}
