/**
 * Code page 437, the VGA text-mode character set, to Unicode: box drawing, block shades and
 * the control-range glyphs (arrows, ☺) read as a person sees them on the screen. 0x00 and 0xFF
 * (no-break space) become a plain space so screen text matches and trims like typed text.
 */
const CP437 =
  ' ☺☻♥♦♣♠•◘○◙♂♀♪♫☼►◄↕‼¶§▬↨↑↓→←∟↔▲▼' +
  ' !"#$%&\'()*+,-./0123456789:;<=>?' +
  '@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_' +
  '`abcdefghijklmnopqrstuvwxyz{|}~⌂' +
  'ÇüéâäàåçêëèïîìÄÅÉæÆôöòûùÿÖÜ¢£¥₧ƒ' +
  'áíóúñÑªº¿⌐¬½¼¡«»░▒▓│┤╡╢╖╕╣║╗╝╜╛┐' +
  '└┴┬├─┼╞╟╚╔╩╦╠═╬╧╨╤╥╙╘╒╓╫╪┘┌█▄▌▐▀' +
  'αßΓπΣσµτΦΘΩδ∞φε∩≡±≥≤⌠⌡÷≈°∙·√ⁿ²■ ';

/** Every CP437 glyph is one UTF-16 code unit, so a row decodes into one buffer and one string. */
const CP437_UNITS = Uint16Array.from(CP437, (ch) => ch.charCodeAt(0));

export function cp437UnitOf(code: number): number {
  return CP437_UNITS[code & 0xff]!;
}
