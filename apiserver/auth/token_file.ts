import { readFile } from 'node:fs/promises';
import { CsvParseError, parseCsv } from './csv.js';
import { AuthError, AuthErrorCode } from './errors.js';
import type { UserInfo } from './user.js';

/**
 * kube-apiserver's static token file (`--token-auth-file`), read as upstream's tokenfile package
 * does: CSV records `token,user,uid[,"group1,group2,..."]`, at least 3 columns, any columns after
 * the fourth ignored. Quoted fields follow Go's encoding/csv (see csv.ts); empty lines are skipped.
 * A record with an empty token is skipped and a repeated token replaces the earlier one, each with
 * a warning. Groups are the fourth column split on ","; empty names are dropped (upstream would
 * keep a "" group, which no binding can name).
 */

export interface TokenFileWarning {
  readonly line: number;
  readonly message: string;
}

/** The users of a token file, keyed by token. */
export interface TokenTable {
  readonly users: ReadonlyMap<string, UserInfo>;
  readonly warnings: readonly TokenFileWarning[];
}

/**
 * Parse token file text. `source` names the file in messages. Throws AuthError TOKEN_FILE_INVALID
 * with the line number.
 */
export function parseTokenFile(text: string, source = 'token file'): TokenTable {
  let records;
  try {
    records = parseCsv(text);
  } catch (err) {
    if (err instanceof CsvParseError) {
      throw new AuthError(AuthErrorCode.TOKEN_FILE_INVALID, `token file '${source}': ${err.message}`, { cause: err });
    }
    throw err;
  }
  const users = new Map<string, UserInfo>();
  const warnings: TokenFileWarning[] = [];
  let recordNumber = 0;
  for (const { line, fields } of records) {
    if (fields.length < 3) {
      throw new AuthError(
        AuthErrorCode.TOKEN_FILE_INVALID,
        `token file '${source}' must have at least 3 columns (token, user name, user uid), found ${fields.length} on line ${line}`,
      );
    }
    recordNumber++;
    const [token = '', name = '', uid = '', groupList] = fields;
    if (token === '') {
      warnings.push({ line, message: `empty token has been found in token file '${source}', record number '${recordNumber}'` });
      continue;
    }
    if (users.has(token)) {
      warnings.push({ line, message: `duplicate token has been found in token file '${source}', record number '${recordNumber}'` });
    }
    const groups = groupList === undefined ? [] : groupList.split(',').filter((g) => g !== '');
    users.set(token, { name, uid, groups });
  }
  return { users, warnings };
}

/** Read and parse a token file. Throws AuthError TOKEN_FILE_UNREADABLE or TOKEN_FILE_INVALID. */
export async function loadTokenFile(path: string): Promise<TokenTable> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new AuthError(AuthErrorCode.TOKEN_FILE_UNREADABLE, `cannot read token file '${path}': ${(err as Error).message}`, { cause: err });
  }
  return parseTokenFile(text, path);
}

/** Resolves a bearer token to its user (authenticator.Token). */
export interface TokenAuthenticator {
  /** The user of `token`, or undefined when the token is unknown. */
  authenticateToken(token: string): UserInfo | undefined;
}

/** A TokenAuthenticator over a token table (the returned users carry the file's groups only). */
export function tokenTableAuthenticator(table: TokenTable): TokenAuthenticator {
  return {
    authenticateToken: (token) => table.users.get(token),
  };
}
