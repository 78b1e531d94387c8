// Compares the token_ids of two JSONL outputs row by row: node compare.mjs ours.jsonl theirs.jsonl
// Exit 0 when every row matches, 1 otherwise (each mismatch printed).
import { readFileSync } from 'node:fs';

const [oursFile, theirsFile] = process.argv.slice(2);
const read = f => readFileSync(f, 'utf8').split('\n').filter(l => l.trim()).map(l => JSON.parse(l));
const ours = read(oursFile);
const theirs = read(theirsFile);
if (ours.length !== theirs.length) {
  console.error(`row counts differ: ${ours.length} in ${oursFile}, ${theirs.length} in ${theirsFile}`);
  process.exit(1);
}
let mismatches = 0;
let tokens = 0;
ours.forEach((row, i) => {
  const a = JSON.stringify(row.token_ids);
  const b = JSON.stringify(theirs[i].token_ids);
  tokens += row.token_ids.length;
  if (a !== b) {
    mismatches++;
    console.error(`row ${i + 1}: ours ${a}\n        theirs ${b}`);
  }
});
console.log(`${ours.length - mismatches}/${ours.length} rows identical (${tokens} tokens)`);
process.exit(mismatches === 0 ? 0 : 1);
