import { type RawBuilder, sql } from 'kysely';

/**
 * Event-type patterns an endpoint subscribes to, with the bus's own matching rules
 * (`topicMatches` in @zhirong/platform): an exact topic (`ledger.transfers.created`), one more
 * segment (`payments.payment.*`), any depth below (`ledger.>`), or everything (`*` or `>`).
 */
export const EVENT_TYPES_MAX = 50;
export const EVENT_TYPE_LENGTH_MAX = 200;

const SEGMENT = '[a-z0-9_]+(?:-[a-z0-9_]+)*';
const PATTERN = new RegExp(`^(?:\\*|>|${SEGMENT}(?:\\.${SEGMENT})*(?:\\.\\*|\\.>)?)$`);

export function isEventTypePattern(pattern: string): boolean {
  return pattern.length <= EVENT_TYPE_LENGTH_MAX && PATTERN.test(pattern);
}

/**
 * The SQL form of `topicMatches(pattern, topic)`, over SQL expressions for the pattern and the topic, so
 * that choosing the endpoints of an event is part of the one INSERT that fans it out. A property
 * test keeps the two in agreement.
 */
export function patternMatchesSql(pattern: RawBuilder<unknown>, topic: RawBuilder<unknown>): RawBuilder<boolean> {
  return sql<boolean>`(
    ${pattern} = ${topic}
    or ${pattern} in ('*', '>')
    or (right(${pattern}, 2) = '.>' and starts_with(${topic}, left(${pattern}, -1)))
    or (right(${pattern}, 2) = '.*' and starts_with(${topic}, left(${pattern}, -1))
        and strpos(substr(${topic}, char_length(${pattern})), '.') = 0)
  )`;
}
