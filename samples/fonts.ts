/**
 * Fonts the generator draws with. They are needed only to regenerate the samples (the committed files
 * carry rendered pixels or an embedded subset), and come from Debian packages:
 * fonts-arphic-bsmi00lp (embedded in the text PDF), fonts-noto-cjk and fonts-dejavu-core (rendered into
 * images by librsvg through fontconfig, chosen by family name).
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';

export interface SampleFont {
  /** Family name as written in the SVGs (fontconfig match), or the file read directly. */
  family: string;
  path: string;
  debianPackage: string;
  licence: string;
}

/** AR PL Mingti2L Big5: a Traditional Chinese TrueType font that pdf-lib + fontkit can subset. */
export const TW_PDF_FONT: SampleFont = {
  family: 'AR PL Mingti2L Big5',
  path: '/usr/share/fonts/truetype/arphic-bsmi00lp/bsmi00lp.ttf',
  debianPackage: 'fonts-arphic-bsmi00lp',
  licence: 'Arphic Public License',
};

export const SAMPLE_FONTS: SampleFont[] = [
  TW_PDF_FONT,
  { family: 'Noto Sans CJK TC', path: '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc', debianPackage: 'fonts-noto-cjk', licence: 'SIL Open Font License 1.1' },
  { family: 'Noto Sans CJK TC', path: '/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc', debianPackage: 'fonts-noto-cjk', licence: 'SIL Open Font License 1.1' },
  { family: 'DejaVu Sans Mono', path: '/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf', debianPackage: 'fonts-dejavu-core', licence: 'Bitstream Vera / DejaVu licence' },
  { family: 'DejaVu Sans Mono', path: '/usr/share/fonts/truetype/dejavu/DejaVuSansMono-Bold.ttf', debianPackage: 'fonts-dejavu-core', licence: 'Bitstream Vera / DejaVu licence' },
  { family: 'DejaVu Sans', path: '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf', debianPackage: 'fonts-dejavu-core', licence: 'Bitstream Vera / DejaVu licence' },
  { family: 'DejaVu Sans', path: '/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf', debianPackage: 'fonts-dejavu-core', licence: 'Bitstream Vera / DejaVu licence' },
];

export const FONT_INSTALL_HINT = 'apt-get install -y fonts-arphic-bsmi00lp fonts-noto-cjk fonts-dejavu-core';

/** Font files that are not installed (an empty list means the samples can be regenerated). */
export function missingFonts(): SampleFont[] {
  return SAMPLE_FONTS.filter((font) => !existsSync(font.path));
}

/** SHA-256 of each installed font file, keyed by path: identical fonts give identical samples. */
export function fontFingerprints(): Record<string, string> {
  const result: Record<string, string> = {};
  for (const font of SAMPLE_FONTS) {
    if (existsSync(font.path)) result[font.path] = createHash('sha256').update(readFileSync(font.path)).digest('hex');
  }
  return result;
}
