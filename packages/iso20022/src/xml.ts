import { SaxesParser } from 'saxes';

/**
 * The XML layer: bytes → text (BOM and declared encoding honoured) → a namespace-resolved element
 * tree, so that `<Document xmlns="…">` and `<Doc:Document xmlns:Doc="…">` become the same tree.
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
  | { code: 'xml_doctype_forbidden'; params: Record<string, never> };

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
  return declaration
    .slice(i + 1, close)
    .trim()
    .toLowerCase();
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
      if (known === undefined)
        return { ok: false, problem: { code: 'encoding_unsupported', params: { encoding: declared } } };
      encoding = known;
    }
  }
  try {
    return { ok: true, text: new TextDecoder(encoding, { fatal: true }).decode(input.subarray(start)) };
  } catch {
    return { ok: false, problem: { code: 'encoding_invalid', params: { encoding: encoding.toUpperCase() } } };
  }
}

interface Building {
  name: string;
  namespace: string;
  attributes: Record<string, string>;
  children: XmlElement[];
  text: string;
}

const NON_SPACE = /\S/;

class XmlRefusal extends Error {
  constructor(readonly problem: XmlProblem) {
    super(problem.code);
  }
}

/**
 * Parses XML text into its root element with saxes, a strict, namespace-aware streaming parser
 * (one pass: well-formedness, namespace bindings and the tree together). Refuses a DOCTYPE (ISO
 * 20022 never has one, and it is the door to entity-expansion attacks), malformed XML, unbound
 * prefixes, and nesting deeper than XML_DEPTH_MAX.
 */
export function readXml(text: string): XmlReadResult {
  const parser = new SaxesParser({ xmlns: true, position: true });
  const stack: Building[] = [];
  let root: XmlElement | undefined;
  parser.on('doctype', () => {
    throw new XmlRefusal({ code: 'xml_doctype_forbidden', params: {} });
  });
  parser.on('opentag', (tag) => {
    if (stack.length >= XML_DEPTH_MAX)
      throw new XmlRefusal({
        code: 'xml_malformed',
        params: { reason: `elements nest deeper than ${XML_DEPTH_MAX} levels` },
      });
    const attributes: Record<string, string> = {};
    for (const attribute of Object.values(tag.attributes)) {
      // ISO 20022 attributes (Ccy) are unqualified; namespace declarations and xsi:* are not data.
      if (attribute.prefix === '' && attribute.local !== 'xmlns') attributes[attribute.local] = attribute.value;
    }
    stack.push({ name: tag.local, namespace: tag.uri, attributes, children: [], text: '' });
  });
  const addText = (chunk: string) => {
    const top = stack[stack.length - 1];
    // Indentation between child elements is not data: keep it out of big parents' text.
    if (top !== undefined && (top.children.length === 0 || NON_SPACE.test(chunk))) top.text += chunk;
  };
  parser.on('text', addText);
  parser.on('cdata', addText);
  parser.on('closetag', () => {
    const element = stack.pop();
    if (element === undefined) return;
    element.text = element.text.trim();
    const parent = stack[stack.length - 1];
    if (parent !== undefined) parent.children.push(element);
    else root = element;
  });
  try {
    parser.write(text).close();
  } catch (error) {
    if (error instanceof XmlRefusal) return { ok: false, problem: error.problem };
    // saxes says "line:column: what"; put the place after the reason, where people look for it.
    const message = (error as Error).message;
    const place = /^(\d+):(\d+): ([\s\S]*)$/.exec(message);
    const reason = place === null ? message : `${place[3]} (line ${place[1]}, column ${place[2]})`;
    return { ok: false, problem: { code: 'xml_malformed', params: { reason } } };
  }
  if (root === undefined)
    return { ok: false, problem: { code: 'xml_malformed', params: { reason: 'no root element' } } };
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
