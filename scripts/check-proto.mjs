// Regenerates the protobuf code and fails if it differs from what is committed.
import { execFileSync } from 'node:child_process';

const dir = 'packages/core/src/rerun/proto/gen';
execFileSync('pnpm', ['--filter', '@camstream/core', 'gen:proto'], { stdio: 'inherit' });
const status = execFileSync('git', ['status', '--porcelain', '--', dir], { encoding: 'utf8' });
if (status.trim() !== '') {
  console.error(`generated protobuf code is out of date; run \`pnpm gen:proto\` and commit:\n${status}`);
  process.exit(1);
}
console.log('protobuf code is up to date');
