import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { ROOT_ELEMENT_ID } from '../../contracts/report';

/**
 * The panel's HTML: one builder that sets the Content-Security-Policy with a fresh nonce, loads only
 * the bundle's own files through `asWebviewUri`, and records which runs the panel shows (read back by
 * the webview into its state, so a window reload can revive the panel on the same runs).
 */
export interface PanelIdentity {
  /** Run folders (one run, a comparison) or a sweep folder. */
  readonly dirs: readonly string[];
  readonly title: string;
}


export function nonce(): string {
  return randomBytes(18).toString('base64').replace(/[^A-Za-z0-9]/g, '');
}

export function panelCsp(webview: Pick<vscode.Webview, 'cspSource'>, scriptNonce: string): string {
  return [
    "default-src 'none'",
    `img-src ${webview.cspSource} data:`,
    `style-src ${webview.cspSource} 'nonce-${scriptNonce}'`,
    `font-src ${webview.cspSource}`,
    `script-src 'nonce-${scriptNonce}'`,
  ].join('; ');
}

export function panelHtml(webview: vscode.Webview, extensionUri: vscode.Uri, identity: PanelIdentity): string {
  const n = nonce();
  const asset = (...parts: string[]): string => webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, ...parts)).toString();
  const escapeAttr = (s: string): string => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${panelCsp(webview, n)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<meta name="ntkexp-panel" content="${escapeAttr(JSON.stringify(identity))}">
<link rel="stylesheet" nonce="${n}" href="${asset('dist', 'codicon.css')}">
<link rel="stylesheet" nonce="${n}" href="${asset('dist', 'ntkexp.css')}">
<title>${escapeAttr(identity.title)}</title>
</head>
<body>
<div id="${ROOT_ELEMENT_ID}"></div>
<script nonce="${n}" src="${asset('dist', 'webview.js')}"></script>
</body>
</html>`;
}
