// Hash routes: #/path/parts?query. Pages get the decoded parts and the query, and draw into <main>.
export interface Route {
  parts: string[];
  query: URLSearchParams;
}

export function currentRoute(): Route {
  const hash = location.hash.replace(/^#\/?/, '');
  const [path = '', qs = ''] = hash.split('?', 2) as [string?, string?];
  return { parts: path.split('/').filter(Boolean).map((p) => decodeURIComponent(p)), query: new URLSearchParams(qs) };
}

/** Goes to the same page with another query. */
export function withQuery(q: URLSearchParams): void {
  const { parts } = currentRoute();
  const qs = q.toString();
  location.hash = '#/' + parts.map(encodeURIComponent).join('/') + (qs ? '?' + qs : '');
}

export function go(hash: string): void {
  location.hash = hash;
}
