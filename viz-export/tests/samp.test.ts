import { describe, expect, it } from 'vitest';
import { asciiUrl, fileUrlOf, formatOf, rowListMessage, spectrumMessage, spectrumUrl, tableRowsOf } from '../src/sampMessages';
import { encodeCall, sampString } from '../src/sampXmlrpc';
import type { Spectrum } from '../src/data/types';

describe('samp xml-rpc', () => {
  it('encodes SAMP strings, lists and maps, escaping XML', () => {
    expect(encodeCall('samp.webhub.notify', ['k&1', ['a<b'], { 'samp.mtype': 'x', n: { m: '>' } }])).toBe(
      '<?xml version="1.0" encoding="UTF-8"?>\n<methodCall><methodName>samp.webhub.notify</methodName><params>' +
      '<param><value><string>k&amp;1</string></value></param>' +
      '<param><value><array><data><value><string>a&lt;b</string></value></data></array></value></param>' +
      '<param><value><struct><member><name>samp.mtype</name><value><string>x</string></value></member>' +
      '<member><name>n</name><value><struct><member><name>m</name><value><string>&gt;</string></value></member></struct></value></member>' +
      '</struct></value></param></params></methodCall>');
  });
});

const spectrum = (over: Partial<Spectrum>): Spectrum => ({
  row: 3, id: 'spec-3', object: '', ra: 10.5, dec: -2.25, z: null, snr: null, label: 'emission', layout: 'sdss',
  path: 'files/x.fits', source_url: '', stages: {}, raw_error: '', som: null, forest: null, ...over,
} as Spectrum);

describe('samp strings', () => {
  it('keep only the characters SAMP allows (tab, LF, CR, 0x20-0x7f)', () => {
    expect(sampString('a\tb\nc\rd ~\x7f')).toBe('a\tb\nc\rd ~\x7f');
    expect(sampString('report · é\x00\x1f')).toBe('report ? ???');
    expect(encodeCall('m', [{ 'k·': 'Ω' }])).toContain('<member><name>k?</name><value><string>?</string></value></member>');
  });
  it('percent-encode URLs outside printable ASCII (UTF-8)', () => {
    expect(asciiUrl('http://h/a b/é?x=1')).toBe('http://h/a%20b/%C3%A9?x=1');
  });
});

describe('samp messages', () => {
  it('percent-encodes a path as a file URL (UTF-8 bytes)', () => {
    expect(fileUrlOf('/data/a b/é+1.fits')).toBe('file:///data/a%20b/%C3%A9%2B1.fits');
  });
  it('prefers the source URL, then the file URL, then an absolute path', () => {
    expect(spectrumUrl({ source_url: 'http://x/s?id=1', file_url: 'file:///a.fits', path: '/b.fits' })).toBe('http://x/s?id=1');
    expect(spectrumUrl({ source_url: '', file_url: 'file:///a.fits', path: '/b.fits' })).toBe('file:///a.fits');
    expect(spectrumUrl({ source_url: '', path: '/b c.fits' })).toBe('file:///b%20c.fits');
    expect(spectrumUrl({ source_url: '', file_url: '', path: 'relative.fits' })).toBe('');
  });
  it('knows FITS and VOTable formats by name', () => {
    expect(formatOf('file:///a/B.FITS')).toBe('application/fits');
    expect(formatOf('file:///a/b.fit.gz')).toBe('application/fits');
    expect(formatOf('http://h/x.vot?x=1')).toBe('application/x-votable+xml');
    expect(formatOf('file:///a/b.txt')).toBe('');
  });
  it('builds spectrum.load.ssa-generic with the SSA metadata the report has, as strings', () => {
    const m = spectrumMessage(spectrum({ object: 'HD 1' }), 'file:///d/files/x.fits');
    expect(m['samp.mtype']).toBe('spectrum.load.ssa-generic');
    expect(m['samp.params'].url).toBe('file:///d/files/x.fits');
    expect(m['samp.params'].meta).toEqual({
      'ssa:Access.Reference': 'file:///d/files/x.fits', 'ssa:Access.Format': 'application/fits', 'ssa:DataID.Title': 'spec-3',
      'ssa:DataID.CreatorDID': 'spec-3', 'ssa:Target.Name': 'HD 1', 'ssa:Target.Pos': '10.5 -2.25', 'ssa:Target.Class': 'emission',
    });
  });
  it('maps data set rows to table rows in the list order, counting the missing', () => {
    expect(tableRowsOf([40, 7, 12, 3], [3, 99, 40, 12])).toEqual({ rows: [3, 0, 2], missing: 1 });
    expect(rowListMessage('u', 't', [3, 0])['samp.params']['row-list']).toEqual(['3', '0']);
  });
});
