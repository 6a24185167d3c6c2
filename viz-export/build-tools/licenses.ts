// A Vite plugin that writes licenses/ beside the bundle: the licence text of every
// third-party package whose code ends up in it, read from node_modules at build time.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, sep } from 'node:path';
import type { Plugin } from 'vite';

interface PackageInfo {
  name: string;
  version: string;
  license: string;
  text: string;
}

/** The package folder of a module id inside node_modules (the innermost one), or null. */
export function packageDir(id: string): string | null {
  const clean = id.replace(/^\0/, '').split('?')[0];
  const marker = `${sep}node_modules${sep}`;
  const at = clean.lastIndexOf(marker);
  if (at < 0) return null;
  const rest = clean.slice(at + marker.length).split(sep);
  const depth = rest[0].startsWith('@') ? 2 : 1;
  return clean.slice(0, at + marker.length) + rest.slice(0, depth).join(sep);
}

function readPackage(dir: string): PackageInfo {
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  const file = readdirSync(dir).find((f) => /^(licen[cs]e|copying)(\.|$)/i.test(f));
  if (!file) throw new Error(`licenses: ${pkg.name} (${dir}) ships no LICENSE file`);
  return { name: pkg.name, version: pkg.version, license: pkg.license ?? 'see text', text: readFileSync(join(dir, file), 'utf8') };
}

/** The plugin: collects the packages of every bundled module and emits their licences. */
export function licenses(): Plugin {
  return {
    name: 'vocloud-licenses',
    apply: 'build',
    generateBundle(_options, bundle) {
      const dirs = new Set<string>();
      for (const chunk of Object.values(bundle)) {
        if (chunk.type !== 'chunk') continue;
        for (const id of Object.keys(chunk.modules)) {
          const d = packageDir(id);
          if (d && existsSync(join(d, 'package.json'))) dirs.add(d);
        }
      }
      // CSS imported from a package (uPlot's stylesheet) is not a chunk module.
      for (const id of this.getModuleIds()) {
        const d = packageDir(id);
        if (d && existsSync(join(d, 'package.json'))) dirs.add(d);
      }
      const infos = [...dirs].map(readPackage).sort((a, b) => a.name.localeCompare(b.name));
      const index = infos.map((p) => `${p.name} ${p.version} (${p.license}): licenses/${p.name.replace('/', '__')}.txt`);
      for (const p of infos) {
        this.emitFile({ type: 'asset', fileName: `licenses/${p.name.replace('/', '__')}.txt`, source: `${p.name} ${p.version}\n\n${p.text}` });
      }
      this.emitFile({ type: 'asset', fileName: 'licenses/README.txt', source: `Third-party packages bundled in this report:\n${index.join('\n')}\n` });
    },
  };
}
