import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkLicences } from '../../tools/check-licences.ts';
import { classify, goBinaries, licenceOfDir, modulesOf, pinnedVersions } from '../../tools/licences/go-modules.ts';
import { npmPackages } from '../../tools/licences/npm-packages.ts';
import { refusals, satisfies } from '../../tools/licences/policy.ts';

const ROOT = new URL('../..', import.meta.url).pathname;
const hasGo = (() => {
  try {
    execFileSync('go', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

// The notice the GNU licences ask each source file (or a LICENSE) to carry: licensecheck reads it as AGPL.
const AGPL_NOTICE = `This program is free software: you can redistribute it and/or modify
it under the terms of the GNU Affero General Public License as published
by the Free Software Foundation, either version 3 of the License, or
(at your option) any later version.

This program is distributed in the hope that it will be useful,
but WITHOUT ANY WARRANTY; without even the implied warranty of
MERCHANTABILITY or FITNESS FOR A PARTICULAR PURPOSE.  See the
GNU Affero General Public License for more details.

You should have received a copy of the GNU Affero General Public License
along with this program.  If not, see <https://www.gnu.org/licenses/>.
`;
const MIT = `MIT License

Copyright (c) 2026 Example

Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the "Software"), to deal
in the Software without restriction, including without limitation the rights
to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.
`;

/** A directory tree from { 'relative/path': content }. */
function tree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'licences-'));
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  return root;
}

describe('the licence policy', () => {
  it('refuses AGPL, GPL, SSPL, BUSL, an LGPL nobody reviewed and a missing licence, naming each package', () => {
    const items = [
      { name: 'fine@1.0.0', licence: 'MIT' },
      { name: 'either@1.0.0', licence: '(MIT OR GPL-3.0-only)' },
      { name: 'guessed@1.0.0', licence: 'BSD-3-Clause*' },
      { name: 'reviewed-lgpl@1.0.0', licence: 'LGPL-3.0-or-later' },
      { name: 'server@2.0.0', licence: 'AGPL-3.0-only' },
      { name: 'tool@1.0.0', licence: 'GPL-2.0+' },
      { name: 'both@1.0.0', licence: 'MIT AND GPL-3.0' },
      { name: 'db@1.0.0', licence: 'SSPL-1.0' },
      { name: 'source-available@1.0.0', licence: 'BUSL-1.1' },
      { name: 'other-lgpl@1.0.0', licence: 'LGPL-2.1-only' },
      { name: 'nothing@1.0.0', licence: '' },
      { name: 'mystery@1.0.0', licence: 'UNKNOWN' },
      { name: 'custom@1.0.0', licence: 'Custom: https://example.com' },
    ];
    // reviewed-lgpl is not in LGPL_REVIEWED: refused like the rest; the one reviewed package passes.
    expect(refusals(items)).toEqual([
      'both@1.0.0: MIT AND GPL-3.0 is not allowed',
      'custom@1.0.0: unreadable licence "Custom: https://example.com" (unexpected "https://example.com")',
      'db@1.0.0: SSPL-1.0 is not allowed',
      'mystery@1.0.0: no licence found (UNKNOWN)',
      'nothing@1.0.0: no licence found (none declared)',
      'other-lgpl@1.0.0: LGPL-2.1-only is not allowed',
      'reviewed-lgpl@1.0.0: LGPL-3.0-or-later is not allowed',
      'server@2.0.0: AGPL-3.0-only is not allowed',
      'source-available@1.0.0: BUSL-1.1 is not allowed',
      'tool@1.0.0: GPL-2.0+ is not allowed',
    ]);
    expect(refusals([{ name: '@img/sharp-libvips-linux-x64@1.3.1', licence: 'LGPL-3.0-or-later' }])).toEqual([]);
  });

  it('reads SPDX expressions: OR needs one allowed side, AND both, WITH keeps the licence', () => {
    const allowed = (id: string) => id === 'MIT' || id === 'Apache-2.0';
    expect(satisfies('(MIT OR GPL-3.0)', allowed)).toBe(true);
    expect(satisfies('GPL-3.0 OR (MIT AND Apache-2.0)', allowed)).toBe(true);
    expect(satisfies('MIT AND (GPL-3.0 OR AGPL-3.0)', allowed)).toBe(false);
    expect(satisfies('Apache-2.0 WITH LLVM-exception', allowed)).toBe(true);
    expect(() => satisfies('(MIT', allowed)).toThrow(/missing \)/);
  });
});

describe('the npm check (license-checker-rseidelsohn over node_modules)', () => {
  it('refuses a fake AGPL package and one without a licence, by name', async () => {
    const root = tree({
      'package.json': JSON.stringify({
        name: 'fake-root',
        version: '1.0.0',
        license: 'MIT',
        dependencies: { 'agpl-server': '1.0.0', mystery: '1.0.0' },
      }),
      'node_modules/agpl-server/package.json': JSON.stringify({ name: 'agpl-server', version: '1.0.0', license: 'AGPL-3.0-only' }),
      'node_modules/mystery/package.json': JSON.stringify({ name: 'mystery', version: '1.0.0' }),
    });
    const found = await npmPackages(root);
    expect(found).toContainEqual({ name: 'agpl-server@1.0.0', licence: 'AGPL-3.0-only' });
    expect(refusals(found)).toEqual([
      'agpl-server@1.0.0: AGPL-3.0-only is not allowed',
      expect.stringMatching(/^mystery@1\.0\.0: (no licence found|UNKNOWN is not allowed)/),
    ]);
  }, 60_000);

  it('passes the real tree', async () => {
    expect(await checkLicences('npm', [])).toBe(0);
  }, 120_000);
});

describe.skipIf(!hasGo)('the Go check (licensecheck over the module sources)', () => {
  it('refuses a fake AGPL module, an unknown licence and a module without one; reads MIT', () => {
    const root = tree({
      'agpl/LICENSE': AGPL_NOTICE,
      'unknown/LICENSE.txt': 'All rights reserved. Ask us first.\n',
      'none/README.md': '# none\n',
      'mit/LICENSE': MIT,
    });
    const dirs = ['agpl', 'unknown', 'none', 'mit'].map((name) => join(root, name));
    const found = new Map(classify(dirs).map((c) => [c.dir, c]));
    const items = dirs.map((dir, i) => ({
      name: `example.com/${['agpl', 'unknown', 'none', 'mit'][i]}@v1.0.0`,
      licence: licenceOfDir(found.get(dir)),
    }));
    expect(items[3]!.licence).toBe('MIT');
    expect(refusals(items)).toEqual([
      'example.com/agpl@v1.0.0: AGPL-3.0-or-later is not allowed',
      'example.com/none@v1.0.0: no licence found (UNKNOWN (no LICENSE or COPYING file))',
      'example.com/unknown@v1.0.0: no licence found (UNKNOWN (LICENSE.txt: 0% recognised))',
    ]);
  }, 120_000);

  it('lists the modules of a binary as go version -m prints them; a (devel) main takes its pinned version', () => {
    const output = [
      '.cache/jaeger/jaeger: go1.26.8',
      '\tpath\tgithub.com/jaegertracing/jaeger/cmd/jaeger',
      '\tmod\tgithub.com/jaegertracing/jaeger\t(devel)\t',
      '\tdep\tgithub.com/cespare/xxhash/v2\tv2.3.0\th1:x=',
      '\tdep\tgithub.com/old/thing\tv1.0.0\t',
      '\t=>\tgithub.com/new/thing\tv1.1.0\th1:y=',
      '\tbuild\t-buildmode=exe',
    ].join('\n');
    expect(modulesOf(output)).toEqual([
      { path: 'std', version: 'go1.26.8' },
      { path: 'github.com/jaegertracing/jaeger', version: '(devel)' },
      { path: 'github.com/cespare/xxhash/v2', version: 'v2.3.0' },
      { path: 'github.com/new/thing', version: 'v1.1.0' },
    ]);
    expect(pinnedVersions(join(ROOT, 'tools')).get('github.com/jaegertracing/jaeger')).toBe('v1.76.0');
  });

  const binaries = goBinaries(join(ROOT, '.cache'));
  it.skipIf(binaries.length === 0 && !process.env.CI)(
    'passes the real binaries .ci/run built',
    async () => {
      expect(await checkLicences('go', [])).toBe(0);
    },
    300_000,
  );
});
