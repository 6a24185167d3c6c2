// Loads the report's data files. Under file:// Chromium refuses fetch(), so each file is a
// script that calls vocloudData(name, payload) (docs/report-data.md, "Loading under file://").

type Receiver = (name: string, payload: unknown) => void;

declare global {
  interface Window {
    vocloudData?: Receiver;
  }
}

/** Loads data/NAME.js files on demand, each once, and hands out their payloads. */
export class DataLoader {
  private readonly _cache = new Map<string, Promise<unknown>>();
  private readonly _arrived = new Map<string, unknown>();

  /** Installs the page's vocloudData receiver; `base` is the folder of the files ("data/"). */
  constructor(private readonly _base = 'data/') {
    window.vocloudData = (name, payload) => {
      this._arrived.set(name, payload);
    };
  }

  /** The payload of data/NAME.js; rejects with the file's name when it cannot be loaded. */
  load<T>(name: string): Promise<T> {
    let p = this._cache.get(name);
    if (!p) {
      p = this._inject(name);
      this._cache.set(name, p);
    }
    return p as Promise<T>;
  }

  private _inject(name: string): Promise<unknown> {
    const src = `${this._base}${name}.js`;
    return new Promise((resolve, reject) => {
      const tag = document.createElement('script');
      tag.src = src;
      tag.async = true;
      tag.onload = () => {
        tag.remove();
        if (!this._arrived.has(name)) {
          reject(new Error(`data: ${src} loaded but did not call vocloudData("${name}", ...)`));
          return;
        }
        const payload = this._arrived.get(name);
        this._arrived.delete(name);
        resolve(payload);
      };
      tag.onerror = () => {
        tag.remove();
        this._cache.delete(name);
        reject(new Error(`data: ${src} could not be loaded`));
      };
      document.head.appendChild(tag);
    });
  }
}
