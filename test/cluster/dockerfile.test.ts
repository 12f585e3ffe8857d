import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../helpers/cli';
import { lintDockerfile, type LintContext } from '../helpers/dockerLint';

// The container image of docs/CLUSTER.md's Indexed Job cannot be built here (no Docker): its
// Dockerfile is linted instead (test/helpers/dockerLint.ts), each rule shown to catch what it is for,
// and the documents are held to the files they show.

const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
const ignored = readFileSync(join(ROOT, '.dockerignore'), 'utf8')
  .split('\n')
  .map((l) => l.trim())
  .filter((l) => l && !l.startsWith('#'));

/** The build context: the repository less .dockerignore's patterns (names and `*.ext` globs at any depth). */
const repository: LintContext = {
  inContext: (p) => {
    const parts = p.replace(/^\.\//, '').replace(/\/$/, '').split('/');
    const excluded = parts.some((part) => ignored.some((pattern) => (pattern.startsWith('*.') ? part.endsWith(pattern.slice(1)) : part === pattern)));
    return !excluded && existsSync(join(ROOT, p));
  },
};

test('the Dockerfile lints clean: syntax, pinned bases, small apt layers, JSON entrypoint, no root, sources in the context', () => {
  assert.deepEqual(lintDockerfile(dockerfile, repository), []);
});

test('each lint rule catches what it is for', () => {
  const broken: [string, (d: string) => string, RegExp][] = [
    ['an unpinned base', (d) => d.replace('FROM node:20-bookworm-slim AS build', 'FROM node:latest AS build'), /pin the base image/],
    ['a base with no tag', (d) => d.replace(/FROM node:20-bookworm-slim\n/, 'FROM node\n'), /pin the base image/],
    ['recommended packages', (d) => d.replace(' --no-install-recommends', ''), /without --no-install-recommends/],
    ['apt lists kept', (d) => d.replace(/\s*&& rm -rf \/var\/lib\/apt\/lists\/\*/, ''), /removing \/var\/lib\/apt\/lists/],
    ['a shell-form entrypoint', (d) => d.replace('ENTRYPOINT ["node", "/opt/ntkexp/bin/ntkexp.js"]', 'ENTRYPOINT node /opt/ntkexp/bin/ntkexp.js'), /shell form/],
    ['a source not in the repository', (d) => d.replace('COPY bin ./bin', 'COPY binaries ./bin'), /COPY binaries: not in the build context/],
    ['a source excluded by .dockerignore', (d) => d.replace('COPY bin ./bin', 'COPY node_modules ./node_modules'), /excluded by \.dockerignore/],
    ['a stage that does not exist', (d) => d.replace('COPY --from=build', 'COPY --from=builder'), /no stage of that name/],
    ['running as root', (d) => d.replace('USER node\n', ''), /runs as root/],
    ['a deprecated instruction', (d) => d.replace('WORKDIR /work\n', 'WORKDIR /work\nMAINTAINER someone\n'), /MAINTAINER has been deprecated/],
    ['a syntax error', (d) => d.replace('WORKDIR /work\n', 'WORKDIR\n'), /line \d+: /],
  ];
  for (const [what, mutate, expected] of broken) {
    const text = mutate(dockerfile);
    assert.notEqual(text, dockerfile, `${what}: the mutation applies`);
    const problems = lintDockerfile(text, repository);
    assert.ok(problems.some((p) => expected.test(p)), `${what}: expected ${expected}, got ${JSON.stringify(problems)}`);
  }
});

test('the image has the native product the CI machine has, and the documents show the shipped files', () => {
  // The Debian package the native matrix product loads, in the image as on the CI machine.
  const ci = readFileSync(join(ROOT, 'scripts', 'ci-packages.txt'), 'utf8');
  assert.match(ci, /^libopenblas0-pthread$/m);
  assert.match(dockerfile, /apt-get install -y --no-install-recommends libopenblas0-pthread/);
  const cluster = readFileSync(join(ROOT, 'docs', 'CLUSTER.md'), 'utf8');
  // The Job's image is the one the Dockerfile's header builds.
  const tag = /docker build -t (\S+) \./.exec(dockerfile)?.[1];
  assert.ok(tag, 'the Dockerfile says how to build it');
  assert.ok(cluster.includes(`docker build -t ${tag} .`), 'docs/CLUSTER.md builds the same tag');
  assert.match(cluster, new RegExp(`image: \\S*${tag.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`), "the Job's image is that tag");
  // The job scripts docs/CLUSTER.md shows are the ones the repository ships and the rehearsal submits.
  for (const script of ['fig1.sbatch', 'merge.sbatch']) {
    const shipped = readFileSync(join(ROOT, 'examples', 'cluster', script), 'utf8');
    assert.ok(cluster.includes(shipped.trimEnd()), `docs/CLUSTER.md shows examples/cluster/${script} as it is`);
  }
});
