/**
 * Calls back when the page's theme may have changed: the system's color scheme, a `data-theme` or
 * class change on <html> or <body> (VS Code swaps `vscode-light`/`vscode-dark` on body and rewrites
 * its variables in <html style>), coalesced into one call per frame.
 */
export function watchTheme(onChange: () => void): () => void {
  let pending = false;
  const fire = (): void => {
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => {
      pending = false;
      onChange();
    });
  };
  const media = matchMedia('(prefers-color-scheme: dark)');
  media.addEventListener('change', fire);
  const observer = new MutationObserver(fire);
  observer.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme', 'class', 'style'] });
  observer.observe(document.body, { attributes: true, attributeFilter: ['data-theme', 'class'] });
  return () => {
    media.removeEventListener('change', fire);
    observer.disconnect();
  };
}
