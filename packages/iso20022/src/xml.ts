import { XMLParser, XMLValidator } from 'fast-xml-parser';

/**
 * The XML layer: bytes → text (BOM and declared encoding honoured) → a namespace-resolved element
 * tree. fast-xml-parser does the parsing; this file only resolves namespace prefixes, which the
 * parser leaves as written (`Doc:Document`), so that `<Document xmlns="…">` and
 * `<Doc:Document xmlns:Doc="…">` become the same tree.
 */

/** One element: its local name, resolved namespace URI, attributes by local name, children and text. */
export interface XmlElement {
  readonly name: string;
  readonly namespace: string;
  readonly attributes: Readonly<Record<string, string>>;
  readonly children: readonly XmlElement[];
  /** The element's character data (trimmed); '' when it has none. */
  readonly text: string;
}

export type XmlProblem =
  | { code: 'encoding_unsupported'; params: { encoding: string } }
  | { code: 'encoding_invalid'; params: { encoding: string } }
  | { code: 'xml_malformed'; params: { reason: string } }
  | { code: 'xml_doctype_forbidden'; params: Record<string, never> }
  | { code: 'xml_namespace_undeclared'; params: { prefix: string } };

export type XmlReadResult = { ok: true; root: XmlElement } | { ok: false; problem: XmlProblem };

/** Elements deeper than this are refused (ISO 20022 messages nest about 12 levels). */
export const XML_DEPTH_MAX = 64;

const ENCODINGS: Readonly<Record<string, string>> = {
  'utf-8': 'utf-8',
  utf8: 'utf-8',
  'utf-16': 'utf-16le',
  'iso-8859-1': 'latin1',
  'iso8859-1': 'latin1',
  latin1: 'latin1',
  'iso-8859-15': 'iso-8859-15',
  'windows-1252': 'windows-1252',
  'us-ascii': 'utf-8',
};

/** The encoding named in an XML declaration at the very start of `head`, lower-cased, or undefined. */
function declaredEncoding(head: string): string | undefined {
  if (!head.startsWith('<?xml')) return undefined;
  const end = head.indexOf('?>');
  if (end < 0) return undefined;
  const declaration = head.slice(0, end);
  const at = declaration.indexOf('encoding');
  if (at < 0) return undefined;
  let i = at + 'encoding'.length;
  while (declaration[i] === ' ' || declaration[i] === '=' || declaration[i] === '\t') i++;
  const quote = declaration[i];
  if (quote !== '"' && quote !== "'") return undefined;
  const close = declaration.indexOf(quote, i + 1);
  if (close < 0) return undefined;
  return declaration.slice(i + 1, close).trim().toLowerCase();
}

/** Decodes a message: a BOM wins, then the XML declaration's encoding, then UTF-8. Invalid bytes are an error. */
export function decodeXml(input: string | Uint8Array): { ok: true; text: string } | { ok: false; problem: XmlProblem } {
  if (typeof input === 'string') return { ok: true, text: input.charCodeAt(0) === 0xfeff ? input.slice(1) : input };
  let encoding = 'utf-8';
  let start = 0;
  if (input[0] === 0xef && input[1] === 0xbb && input[2] === 0xbf) start = 3;
  else if (input[0] === 0xff && input[1] === 0xfe) [encoding, start] = ['utf-16le', 2];
  else if (input[0] === 0xfe && input[1] === 0xff) [encoding, start] = ['utf-16be', 2];
  else {
    const declared = declaredEncoding(new TextDecoder('latin1').decode(input.subarray(0, 200)));
    if (declared !== undefined) {
      const known = ENCODINGS[declared];
      if (known === undefined) return { ok: false, problem: { code: 'encoding_unsupported', params: { encoding: declared } } };
      encoding = known;
    }
  }
  try {
    return { ok: true, text: new TextDecoder(encoding, { fatal: true }).decode(input.subarray(start)) };
  } catch {
    return { ok: false, problem: { code: 'encoding_invalid', params: { encoding: encoding.toUpperCase() } } };
  }
}

type OrderedNode = Record<string, unknown>;

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  processEntities: true,
  htmlEntities: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
  commentPropName: false,
  maxNestedTags: XML_DEPTH_MAX,
});

const XMLNS = 'xmlns';

class NamespaceError extends Error {
  constructor(readonly prefix: string) {
    super(`undeclared prefix ${prefix}`);
  }
}

function split(qualified: string): [prefix: string, local: string] {
  const colon = qualified.indexOf(':');
  return colon < 0 ? ['', qualified] : [qualified.slice(0, colon), qualified.slice(colon + 1)];
}

/** Builds the element tree from fast-xml-parser's ordered output, resolving prefixes in scope. */
function build(node: OrderedNode, scope: ReadonlyMap<string, string>): XmlElement | undefined {
  let qualified: string | undefined;
  for (const key of Object.keys(node)) {
    if (key !== ':@' && key !== '#text') qualified = key;
  }
  if (qualified === undefined || qualified.startsWith('?') || qualified.startsWith('!')) return undefined;
  const rawAttributes = (node[':@'] ?? {}) as Record<string, string>;
  let inner = scope;
  for (const [key, value] of Object.entries(rawAttributes)) {
    if (key === XMLNS || key.startsWith(`${XMLNS}:`)) {
      if (inner === scope) inner = new Map(scope);
      (inner as Map<string, string>).set(key === XMLNS ? '' : key.slice(XMLNS.length + 1), value);
    }
  }
  const attributes: Record<string, string> = {};
  for (const [key, value] of Object.entries(rawAttributes)) {
    if (key === XMLNS || key.startsWith(`${XMLNS}:`)) continue;
    const [prefix, local] = split(key);
    if (prefix !== '' && prefix !== 'xml' && !inner.has(prefix)) throw new NamespaceError(prefix);
    // Unprefixed attributes (Ccy) are what ISO 20022 uses; prefixed ones (xsi:…) are kept by local name only if free.
    if (prefix === '' || !(local in attributes)) attributes[local] = String(value);
  }
  const [prefix, name] = split(qualified);
  const namespace = inner.get(prefix);
  if (namespace === undefined && prefix !== '') throw new NamespaceError(prefix);
  const children: XmlElement[] = [];
  let text = '';
  for (const child of (node[qualified] ?? []) as OrderedNode[]) {
    if ('#text' in child) text += String(child['#text']);
    else {
      const element = build(child, inner);
      if (element !== undefined) children.push(element);
    }
  }
  return { name, namespace: namespace ?? '', attributes, children, text: text.trim() };
}

/**
 * Parses XML text into its root element. Refuses a DOCTYPE (ISO 20022 never has one, and it is the
 * door to entity-expansion attacks), malformed XML, more than one root and undeclared prefixes.
 */
export function readXml(text: string): XmlReadResult {
  if (text.includes('<!DOCTYPE')) return { ok: false, problem: { code: 'xml_doctype_forbidden', params: {} } };
  const validation = XMLValidator.validate(text);
  if (validation !== true) {
    const { msg, line, col } = validation.err;
    return { ok: false, problem: { code: 'xml_malformed', params: { reason: `${msg} (line ${line}, column ${col})` } } };
  }
  let nodes: OrderedNode[];
  try {
    nodes = parser.parse(text) as OrderedNode[];
  } catch (error) {
    return { ok: false, problem: { code: 'xml_malformed', params: { reason: (error as Error).message } } };
  }
  const roots: XmlElement[] = [];
  try {
    for (const node of nodes) {
      const element = build(node, new Map([['xml', 'http://www.w3.org/XML/1998/namespace']]));
      if (element !== undefined) roots.push(element);
    }
  } catch (error) {
    if (error instanceof NamespaceError)
      return { ok: false, problem: { code: 'xml_namespace_undeclared', params: { prefix: error.prefix } } };
    throw error;
  }
  const [root] = roots;
  if (root === undefined) return { ok: false, problem: { code: 'xml_malformed', params: { reason: 'no root element' } } };
  if (roots.length > 1)
    return { ok: false, problem: { code: 'xml_malformed', params: { reason: 'more than one root element' } } };
  return { ok: true, root };
}

/** The first child named `name` (local name), or undefined. */
export function childOf(element: XmlElement | undefined, name: string): XmlElement | undefined {
  if (element === undefined) return undefined;
  for (const child of element.children) if (child.name === name) return child;
  return undefined;
}

/** Every child named `name`. */
export function childrenOf(element: XmlElement | undefined, name: string): XmlElement[] {
  if (element === undefined) return [];
  return element.children.filter((child) => child.name === name);
}

/** Follows a path of child names and returns the last element, or undefined. */
export function pathOf(element: XmlElement | undefined, ...names: string[]): XmlElement | undefined {
  let current = element;
  for (const name of names) current = childOf(current, name);
  return current;
}

/** The text at a path of child names, or undefined when the element is missing or empty. */
export function textAt(element: XmlElement | undefined, ...names: string[]): string | undefined {
  const found = pathOf(element, ...names);
  return found === undefined || found.text === '' ? undefined : found.text;
}
