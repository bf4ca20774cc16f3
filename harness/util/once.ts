/** What `build` returns, built on the first call and kept: for what is costly to make and often not needed. */
export function once<T>(build: () => T): () => T {
  let built: { readonly value: T } | undefined;
  return () => (built ??= { value: build() }).value;
}
