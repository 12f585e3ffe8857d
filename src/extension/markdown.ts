import * as vscode from 'vscode';

/**
 * Text from workspace files (titles, errors and ids from run.json, experiment titles and formulas from
 * an .ntkexp file, folder names) placed into Markdown or a notification. Markdown: every ASCII
 * punctuation character is backslash-escaped (CommonMark lets any of them be), so no link, image,
 * emphasis, HTML or heading can come from the text; code is fenced with more backticks than the text
 * holds. Notifications are not Markdown but VS Code turns `[label](command:…)` in them into links, so
 * that pattern is broken. The Markdown strings built here are never trusted and never allow HTML.
 */
export function escapeMarkdown(text: string): string {
  return text.replace(/\r\n?|\n/g, ' ').replace(/[!-/:-@[-`{-~]/g, '\\$&');
}

function longestRun(text: string): number {
  return Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
}

/**
 * Inline code: a fence longer than any run of backticks inside. Padded with a space each side when the
 * text starts or ends with a backtick, or with spaces at both ends (CommonMark then strips one each side).
 */
export function codeSpan(text: string): string {
  const flat = text.replace(/\r\n?|\n/g, ' ');
  const fence = '`'.repeat(longestRun(flat) + 1);
  const pad = /^`|`$/.test(flat) || (flat.startsWith(' ') && flat.endsWith(' ')) ? ' ' : '';
  return `${fence}${pad}${flat}${pad}${fence}`;
}

/** A fenced code block whose fence no line of `text` can close. */
export function codeBlock(text: string, language = ''): string {
  const fence = '`'.repeat(Math.max(3, longestRun(text) + 1));
  return `${fence}${language}\n${text}\n${fence}`;
}

/** For a notification: VS Code's message links (`[label](https:…|command:…|file:…)`) cannot form. */
export function notificationText(text: string): string {
  return text.replace(/\]\(/g, '] (');
}

/** A MarkdownString of escaped text: not trusted (no command links), no HTML, no theme icons. */
export function untrustedMarkdown(value: string): vscode.MarkdownString {
  const md = new vscode.MarkdownString(value, false);
  md.isTrusted = false;
  md.supportHtml = false;
  return md;
}
