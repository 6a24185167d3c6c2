import { sep } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageDir } from '../build-tools/licenses';

const p = (...parts: string[]): string => parts.join(sep);

describe('packageDir', () => {
  it('finds the package folder of a bundled module', () => {
    expect(packageDir(p('', 'r', 'node_modules', 'uplot', 'dist', 'uPlot.esm.js'))).toBe(p('', 'r', 'node_modules', 'uplot'));
  });
  it('keeps a scope and takes the innermost node_modules', () => {
    expect(packageDir(p('', 'r', 'node_modules', '@s', 'pkg', 'x.js'))).toBe(p('', 'r', 'node_modules', '@s', 'pkg'));
    expect(packageDir(p('', 'r', 'node_modules', 'a', 'node_modules', 'b', 'i.js') + '?used')).toBe(p('', 'r', 'node_modules', 'a', 'node_modules', 'b'));
  });
  it('ignores the project\'s own modules', () => {
    expect(packageDir(p('', 'r', 'src', 'main.ts'))).toBeNull();
  });
});
