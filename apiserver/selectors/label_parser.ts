/**
 * The label selector grammar, lexed and parsed as labels.Parse does, with its error messages:
 *
 *   selector    ::= requirement | requirement "," selector
 *   requirement ::= [!] KEY [ set-based | exact-match | ordered ]
 *   set-based   ::= ( "in" | "notin" ) "(" [ VALUE { "," VALUE } ] ")"
 *   exact-match ::= ( "=" | "==" | "!=" ) VALUE
 *   ordered     ::= ( ">" | "<" ) INTEGER
 *
 * Whitespace (space, tab, CR, LF) separates tokens. `in` and `notin` are operators only after a
 * key; as values they are plain identifiers (`notin=in` is valid). Values may be empty (`x=`,
 * `x in (a,)`), and set-based values come back sorted and without duplicates.
 */
import { SelectorError, SelectorErrorCode } from './errors.js';
import { LabelOperator, type LabelRequirement, compareStrings, createLabelRequirement, invalidValue } from './label_requirement.js';
import { labelKeyErrors } from './label_validation.js';

/** Token kinds; literal tokens are named by their text. */
type Token = 'eos' | 'identifier' | ')' | ',' | '!' | '==' | '=' | '>' | 'in' | '<' | '!=' | 'notin' | '(';

const LITERAL_TOKENS: ReadonlySet<string> = new Set<Token>([')', ',', '!', '==', '=', '>', 'in', '<', '!=', 'notin', '(']);

function literalToken(text: string): Token | undefined {
  return LITERAL_TOKENS.has(text) ? (text as Token) : undefined;
}

const BINARY_OPERATORS = 'in, notin, =, ==, !=, gt, lt';

interface Item {
  readonly token: Token;
  readonly literal: string;
}

function isWhitespace(ch: string): boolean {
  return ch === ' ' || ch === '\t' || ch === '\r' || ch === '\n';
}

function isSpecial(ch: string): boolean {
  return '=!(),><'.includes(ch);
}

/** Splits the input into tokens, ending with EndOfString. */
function lex(input: string): Item[] {
  const items: Item[] = [];
  let pos = 0;
  for (;;) {
    while (pos < input.length && isWhitespace(input[pos] as string)) pos++;
    if (pos >= input.length) {
      items.push({ token: 'eos', literal: '' });
      return items;
    }
    const start = pos;
    if (isSpecial(input[pos] as string)) {
      // The longest run of special characters that is still a token: "!=" over "!", "=" in "=(".
      let best: Item | undefined;
      while (pos < input.length && isSpecial(input[pos] as string)) {
        const token = literalToken(input.slice(start, pos + 1));
        if (token === undefined && best !== undefined) break;
        if (token !== undefined) best = { token, literal: input.slice(start, pos + 1) };
        pos++;
      }
      // Every single special character is a token, so `best` is set.
      items.push(best as Item);
      pos = start + (best as Item).literal.length;
    } else {
      while (pos < input.length && !isSpecial(input[pos] as string) && !isWhitespace(input[pos] as string)) pos++;
      const literal = input.slice(start, pos);
      items.push({ token: literalToken(literal) ?? 'identifier', literal });
    }
  }
}

/** `in` and `notin` read as identifiers where a value is expected. */
type Context = 'keyAndOperator' | 'values';

class Parser {
  private position = 0;
  constructor(private readonly items: readonly Item[]) {}

  private lookahead(context: Context): Item {
    return this.asContext(this.items[this.position] as Item, context);
  }

  private consume(context: Context): Item {
    const item = this.items[this.position] as Item;
    if (item.token !== 'eos') this.position++;
    return this.asContext(item, context);
  }

  private asContext(item: Item, context: Context): Item {
    if (context === 'values' && (item.token === 'in' || item.token === 'notin')) {
      return { token: 'identifier', literal: item.literal };
    }
    return item;
  }

  parse(): LabelRequirement[] {
    const requirements: LabelRequirement[] = [];
    for (;;) {
      const { token, literal } = this.lookahead('values');
      switch (token) {
        case 'identifier':
        case '!': {
          requirements.push(this.parseRequirementWrapped());
          const next = this.consume('values');
          if (next.token === 'eos') return requirements;
          if (next.token !== ',') throw syntax(`found '${next.literal}', expected: ',' or 'end of string'`);
          const after = this.lookahead('values');
          if (after.token !== 'identifier' && after.token !== '!') {
            throw syntax(`found '${after.literal}', expected: identifier after ','`);
          }
          break;
        }
        case 'eos':
          return requirements;
        default:
          throw syntax(`found '${literal}', expected: !, identifier, or 'end of string'`);
      }
    }
  }

  private parseRequirementWrapped(): LabelRequirement {
    try {
      return this.parseRequirement();
    } catch (err) {
      if (!(err instanceof SelectorError)) throw err;
      throw new SelectorError(err.code, `unable to parse requirement: ${err.message}`, { cause: err });
    }
  }

  private parseRequirement(): LabelRequirement {
    let item = this.consume('values');
    let negated = false;
    if (item.token === '!') {
      negated = true;
      item = this.consume('values');
    }
    if (item.token !== 'identifier') throw syntax(`found '${item.literal}', expected: identifier`);
    const key = item.literal;
    const keyErrs = labelKeyErrors(key);
    if (keyErrs.length > 0) {
      throw new SelectorError(SelectorErrorCode.LABEL_SELECTOR_INVALID, invalidValue('', key, keyErrs.join('; ')));
    }
    const next = this.lookahead('values').token;
    if (negated) return createLabelRequirement(key, LabelOperator.DoesNotExist, []);
    if (next === 'eos' || next === ',') return createLabelRequirement(key, LabelOperator.Exists, []);

    const operator = this.parseOperator();
    const values = operator === LabelOperator.In || operator === LabelOperator.NotIn ? this.parseValues() : this.parseExactValue();
    return createLabelRequirement(key, operator, [...values].sort(compareStrings));
  }

  private parseOperator(): LabelOperator {
    const { token, literal } = this.consume('keyAndOperator');
    switch (token) {
      case 'in':
        return LabelOperator.In;
      case 'notin':
        return LabelOperator.NotIn;
      case '=':
        return LabelOperator.Equals;
      case '==':
        return LabelOperator.DoubleEquals;
      case '!=':
        return LabelOperator.NotEquals;
      case '>':
        return LabelOperator.GreaterThan;
      case '<':
        return LabelOperator.LessThan;
      default:
        throw syntax(`found '${literal}', expected: ${BINARY_OPERATORS}`);
    }
  }

  /** `( … )`: a possibly empty, comma-separated list of possibly empty values. */
  private parseValues(): Set<string> {
    const open = this.consume('values');
    if (open.token !== '(') throw syntax(`found '${open.literal}' expected: '('`);
    const first = this.lookahead('values');
    switch (first.token) {
      case 'identifier':
      case ',': {
        const values = this.parseIdentifiers();
        // Upstream reports the first value's literal here, not the offending token.
        if (this.consume('values').token !== ')') throw syntax(`found '${first.literal}', expected: ')'`);
        return values;
      }
      case ')':
        this.consume('values');
        return new Set(['']);
      default:
        throw syntax(`found '${first.literal}', expected: ',', ')' or identifier`);
    }
  }

  private parseIdentifiers(): Set<string> {
    const values = new Set<string>();
    for (;;) {
      const { token, literal } = this.consume('values');
      switch (token) {
        case 'identifier': {
          values.add(literal);
          const next = this.lookahead('values');
          if (next.token === ',') continue;
          if (next.token === ')') return values;
          throw syntax(`found '${next.literal}', expected: ',' or ')'`);
        }
        case ',': {
          if (values.size === 0) values.add(''); // "(,"
          const next = this.lookahead('values').token;
          if (next === ')') {
            values.add(''); // ",)"
            return values;
          }
          if (next === ',') values.add(''); // ",,"
          break;
        }
        default:
          throw syntax(`found '${literal}', expected: ',', or identifier`);
      }
    }
  }

  /** The one value of `=`, `==`, `!=`, `>` and `<`; empty when the requirement ends here. */
  private parseExactValue(): Set<string> {
    const next = this.lookahead('values').token;
    if (next === 'eos' || next === ',') return new Set(['']);
    const { token, literal } = this.consume('values');
    if (token === 'identifier') return new Set([literal]);
    throw syntax(`found '${literal}', expected: identifier`);
  }
}

function syntax(message: string): SelectorError {
  return new SelectorError(SelectorErrorCode.LABEL_SELECTOR_SYNTAX, message);
}

/** The requirements of a selector string, in source order (the caller sorts them by key). */
export function parseLabelRequirements(input: string): LabelRequirement[] {
  return new Parser(lex(input)).parse();
}
