// botcensus tokens create|list|revoke: API tokens for `botcensus serve`. The store keeps only a
// SHA-256 of each token; `create` prints the token once, alone on the last line of stdout.
import { Command, Option } from 'commander';
import { BotcensusError } from '../../core/errors.js';
import { ROLES } from '../../store/access.js';
import { issueToken } from '../../server/auth/tokens.js';
import { toJson, withImportStore, withStore, withWritingStore } from '../context.js';
import { tokenStore } from '../../server/auth/tokens-sql.js';

export function tokensCommand(): Command {
  const cmd = new Command('tokens').description('API tokens for `botcensus serve` (stop the server first: the store file is used by one process at a time)');

  cmd
    .command('create')
    .description('create a token; it is printed once, alone on the last line, and stored only as a hash')
    .addOption(new Option('--role <role>', 'admin: everything and tokens; analyst: read everything and import; owner: only its own victims').choices([...ROLES]).makeOptionMandatory())
    .option('--owner <name>', 'for --role owner: the owner (from `botcensus owners import`) whose networks the token may read')
    .option('--label <text>', 'a note shown by `tokens list`, e.g. who holds it')
    .action(async (o: { role: string; owner?: string; label?: string }, sub: Command) => {
      // Setting up a new store's access comes before its first import, so this creates the store too.
      await withImportStore(sub, async (store) => {
        const { token, row } = await issueToken(store, o);
        process.stdout.write(`id ${row.id} role ${row.role}${row.owner ? ` owner ${JSON.stringify(row.owner)}` : ''}: keep the token below, it is not shown again\n`);
        process.stdout.write(token + '\n');
      });
    });

  cmd
    .command('list')
    .description('list tokens: id, role, owner, created, revoked (never the tokens themselves)')
    .option('--json', 'JSON output')
    .action(async (o: { json?: boolean }, sub: Command) => {
      await withStore(sub, async (store) => {
        const rows = await tokenStore(store).listTokens();
        if (o.json) return void process.stdout.write(toJson(rows));
        for (const r of rows)
          console.log(
            `${r.id}  ${r.role.padEnd(7)}  ${r.createdAt.toISOString()}  ${r.revokedAt ? 'revoked ' + r.revokedAt.toISOString() : 'live'}${r.owner ? `  owner=${JSON.stringify(r.owner)}` : ''}${r.label ? `  ${r.label}` : ''}`,
          );
        console.error(`${rows.length} tokens`);
      });
    });

  cmd
    .command('revoke')
    .description('revoke a token by id (and end its web sessions)')
    .argument('<id>')
    .action(async (id: string, _o: unknown, sub: Command) => {
      await withWritingStore(sub, async (store) => {
        if (!(await tokenStore(store).revokeToken(id))) throw new BotcensusError('USAGE', `no live token with id ${JSON.stringify(id)} (see \`botcensus tokens list\`)`);
        console.log(`revoked ${id}`);
      });
    });
  return cmd;
}
