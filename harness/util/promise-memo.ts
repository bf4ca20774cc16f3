/**
 * One promise per key for the life of the process, for answers that are slow to get and do not
 * change while bootgate runs: an emulator's version, a probe of its build, a compiled plugin, an
 * image's hash. Callers asking at once share the one in flight. A rejected one is forgotten, so a
 * later call tries again (once the missing compiler is installed, say).
 */
export class PromiseMemo<V> {
  private readonly promises = new Map<string, Promise<V>>();

  get(key: string, compute: () => Promise<V>): Promise<V> {
    let promise = this.promises.get(key);
    if (!promise) {
      promise = compute();
      this.promises.set(key, promise);
      promise.catch(() => this.promises.delete(key));
    }
    return promise;
  }
}
