/**
 * The recorder's page: the live screen (clicks, drags, the wheel and the keyboard on it go to the
 * guest), the text and serial consoles, the assertion buttons, and the scenario as it is being
 * written. Its script is harness/pages/record-page.ts, bundled and inlined: nothing is fetched
 * but this server's own frames and state.
 */
import { pageScript } from '../util/page-script.js';

const STYLE = `
body { font: 14px system-ui, sans-serif; margin: 0; color: #1f2328; background: #f6f8fa; }
header { padding: 8px 12px; background: #24292f; color: #fff; display: flex; gap: 16px; align-items: baseline; }
header h1 { font-size: 16px; margin: 0; }
#status { color: #d0d7de; }
main { display: flex; gap: 12px; padding: 12px; align-items: flex-start; }
#left { flex: 0 0 auto; }
#right { flex: 1 1 320px; min-width: 280px; }
#wrap { position: relative; display: inline-block; line-height: 0; border: 1px solid #8c959f; outline: none; cursor: crosshair; }
#wrap:focus { border-color: #0969da; box-shadow: 0 0 0 2px #54aeff66; }
#screen { display: block; max-width: 100%; image-rendering: pixelated; user-select: none; }
#box { position: absolute; border: 2px solid #cf222e; pointer-events: none; display: none; }
.bar { display: flex; flex-wrap: wrap; gap: 6px; align-items: center; margin: 6px 0; }
.bar b { min-width: 64px; }
button { font: inherit; padding: 2px 8px; }
button[aria-pressed="true"] { background: #0969da; color: #fff; }
input[type=text] { font: inherit; width: 12em; }
pre { background: #fff; border: 1px solid #d0d7de; padding: 6px; margin: 6px 0; overflow: auto; font: 12px ui-monospace, monospace; }
#textscreen { max-height: 260px; } #serial { max-height: 160px; } #yaml { max-height: 60vh; min-height: 120px; }
#message { min-height: 1.4em; } #message.error { color: #cf222e; }
#coords { font: 12px ui-monospace, monospace; color: #57606a; line-height: 1.6; }
`;

export function recordPageHtml(nonce: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>bootgate record</title><style nonce="${nonce}">${STYLE}</style></head><body>
<header><h1>bootgate record</h1><span id="status">connecting…</span></header>
<main>
<section id="left">
<div id="wrap" tabindex="0" title="click, drag and scroll here; with the screen focused, keys go to the guest"><canvas id="screen" width="640" height="400" aria-label="the machine's screen"></canvas><div id="box"></div></div>
<div id="coords">pointer: –</div>
<div class="bar"><b>mouse</b><button id="mode-act" aria-pressed="true">act on the guest</button><button id="mode-box" aria-pressed="false">drag a box: waitScreen</button><label title="on a graphical screen, a click is written as click: {text: …} where OCR reads a label on the widget, instead of a region golden"><input id="by-text" type="checkbox"> click by its words</label></div>
<div class="bar"><b>keys</b><input id="text" type="text" placeholder="text to type (\\n: Enter)" aria-label="text to type"><button id="send-text">type</button>
<input id="chord" type="text" placeholder="chord: ctrl-alt-delete" aria-label="key chord"><button id="send-chord">press</button></div>
<div class="bar"><b>assert</b><button id="wait-text">selected text: waitText</button><button id="wait-serial">last serial line: waitSerial</button><button id="wait-still">still: waitStill</button></div>
<div class="bar"><b>mark</b><input id="snapshot-name" type="text" placeholder="snapshot name" aria-label="snapshot name"><button id="snapshot">snapshot here</button>
<input id="phase-name" type="text" placeholder="phase name" aria-label="phase name"><label><input id="phase-budget" type="checkbox"> budget</label><button id="phase">start phase</button></div>
<div class="bar"><b>scenario</b><button id="undo">undo</button><button id="save">save</button><button id="quit">stop recording</button></div>
<div id="message" role="status"></div>
<pre id="textscreen" title="the text screen: select text, then waitText" hidden></pre>
<pre id="serial" title="the serial console"></pre>
</section>
<section id="right"><b>scenario</b> <span id="file"></span><pre id="yaml"></pre><b>steps</b><ol id="steps"></ol></section>
</main>
<script nonce="${nonce}">${pageScript('record')}</script>
</body></html>`;
}
