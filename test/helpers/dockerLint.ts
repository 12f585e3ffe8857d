import { DockerfileParser, type Instruction } from 'dockerfile-ast';
import { validate } from 'dockerfile-utils';

/**
 * A Dockerfile checked without Docker (no image can be built here): the syntax and the deprecations
 * of dockerfile-utils (the linter of VS Code's Docker support), and the rules of hadolint that keep an
 * image reproducible and small, which Debian does not package. Each problem as `line N: what`.
 */
export interface LintContext {
  /** Whether the build context holds this path (a file or a folder), after .dockerignore. */
  readonly inContext: (path: string) => boolean;
}

export function lintDockerfile(text: string, context: LintContext): string[] {
  const problems = validate(text).map((d) => `line ${d.range.start.line + 1}: ${d.message}`);
  const file = DockerfileParser.parse(text);
  const at = (i: Instruction, what: string) => problems.push(`line ${i.getRange().start.line + 1}: ${what}`);
  const stages = new Set<string>();
  for (const from of file.getFROMs()) {
    const tag = from.getImageTag();
    // hadolint DL3006, DL3007: a base image by a tag that names a release.
    if (!from.getImageDigest() && (!tag || tag === 'latest')) at(from, `FROM ${from.getImageName()}: pin the base image to a release tag, not ${tag || 'none'}`);
    const stage = from.getBuildStage();
    if (stage) stages.add(stage);
  }
  const instructions = file.getInstructions();
  const lines = text.split('\n');
  for (const i of instructions) {
    const keyword = i.getKeyword();
    const args = i.getArgumentsContent() ?? '';
    // The instruction as written, flags included (the parser's arguments leave out COPY's --from).
    const { start, end } = i.getRange();
    const raw = lines.slice(start.line, end.line + 1).join('\n');
    if (keyword === 'RUN' && /\bapt-get\s+install\b/.test(args)) {
      // DL3015, DL3009: no recommended packages, and the package lists removed in the same layer.
      if (!/--no-install-recommends/.test(args)) at(i, 'apt-get install without --no-install-recommends');
      if (!/rm -rf \/var\/lib\/apt\/lists/.test(args)) at(i, 'apt-get install without removing /var/lib/apt/lists in the same RUN');
      if (!/\bapt-get\s+update\b/.test(args)) at(i, 'apt-get install without apt-get update in the same RUN (a cached stale list)');
      if (!/-y\b|--yes\b/.test(args)) at(i, 'apt-get install without -y: the build would wait for an answer');
    }
    // DL3004: no sudo in a build.
    if (keyword === 'RUN' && /\bsudo\b/.test(args)) at(i, 'sudo in RUN: the build runs as root until USER');
    // DL3025: ENTRYPOINT and CMD in JSON form, so signals reach the process (a pod's termination).
    if ((keyword === 'ENTRYPOINT' || keyword === 'CMD') && !args.trim().startsWith('[')) at(i, `${keyword} in shell form: use the JSON form, so that SIGTERM reaches ntkexp`);
    if (keyword === 'COPY' || keyword === 'ADD') {
      const flags = raw.match(/--from=(\S+)/);
      const parts = args.replace(/--\S+/g, '').trim().split(/\s+/);
      const sources = parts.slice(0, -1);
      if (flags) {
        if (!stages.has(flags[1]) && !/[:/]/.test(flags[1])) at(i, `COPY --from=${flags[1]}: no stage of that name before it`);
      } else {
        for (const s of sources) if (s !== '.' && !context.inContext(s)) at(i, `${keyword} ${s}: not in the build context (missing, or excluded by .dockerignore)`);
      }
    }
  }
  // DL3002: the last USER of the final stage is not root.
  const lastFrom = Math.max(...instructions.map((i, k) => (i.getKeyword() === 'FROM' ? k : -1)));
  const users = instructions.slice(lastFrom).filter((i) => i.getKeyword() === 'USER');
  const user = users[users.length - 1]?.getArgumentsContent()?.trim();
  if (!user || user === 'root' || user === '0') problems.push('the final stage runs as root: add USER with an unprivileged user (node)');
  if (!instructions.slice(lastFrom).some((i) => i.getKeyword() === 'ENTRYPOINT')) problems.push('the final stage has no ENTRYPOINT: the Job in docs/CLUSTER.md passes ntkexp its arguments');
  return problems;
}
