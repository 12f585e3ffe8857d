/**
 * How the editor would show a Markdown string or a notification, for the tests of what the extension
 * builds from workspace text: a CommonMark renderer (markdown-it, with raw HTML and bare-URL links
 * allowed, stricter than VS Code's hovers) and VS Code's own pattern for links in notification messages
 * (src/vs/base/common/linkedText.ts). And the family of injections a cloned workspace can plant.
 */
import MarkdownIt from 'markdown-it';

const renderer = new MarkdownIt({ html: true, linkify: true });

/** Strings a workspace may hold in a title, an error, a folder name, to make Markdown do something. */
export const INJECTIONS: readonly string[] = [
  '[x](command:workbench.action.quit)',
  '[open](https://evil.example/x) and [f](file:///etc/passwd)',
  '<img src=x onerror=alert(1)>',
  '<a href="command:workbench.action.quit">click</a>',
  '**bold** and __strong__ and _em_ and ~~struck~~',
  '`code` and ``more``',
  '# heading',
  '- item',
  '1. item',
  '> quote',
  '![image](https://evil.example/p.png)',
  'https://evil.example/x and www.evil.example',
  '<https://evil.example>',
  '&amp; &lt;b&gt; &#x3C;',
  '[ref]\n\n[ref]: command:workbench.action.quit',
  'line one\n\n# line two',
  '| a | b |\n| - | - |',
  '$(zap) a theme icon',
  'back\\slash \\[x\\](command:a)',
];

export function render(markdown: string): string {
  return renderer.render(markdown);
}

/** The tag names in rendered HTML, in order. */
export function tagsIn(html: string): string[] {
  return [...html.matchAll(/<\/?([a-zA-Z0-9]+)/g)].map((m) => m[1].toLowerCase());
}

/** The text of rendered HTML (tags dropped, entities decoded). */
export function textOf(html: string): string {
  return html
    .replace(/<[^>]+>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
}

/** VS Code's pattern for a link in a notification's message. */
export const NOTIFICATION_LINK = /\[([^\]]+)\]\(((?:https?:\/\/|command:|file:)[^)\s]+)(?: (["'])(.+?)(\3))?\)/gi;

export function notificationLinks(message: string): string[] {
  return [...message.matchAll(NOTIFICATION_LINK)].map((m) => m[0]);
}
