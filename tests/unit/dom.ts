/** Documents for DOM tests (files using it run in happy-dom: `// @vitest-environment happy-dom`). */
export function parseHtml(html: string): Document {
  return new DOMParser().parseFromString(html, 'text/html');
}
