/** The report page's CSS, inlined so index.html opens offline from a CI artifact as it is. */
export const REPORT_STYLE = `
:root{--pass:#1a7f37;--fail:#cf222e;--infra:#bc4c00;--flaky:#9a6700;--skip:#6e7781;--bg:#f6f8fa;--line:#d0d7de}
*{box-sizing:border-box}
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;color:#1f2328;background:#fff}
header{position:sticky;top:0;z-index:2;background:#fff;border-bottom:1px solid var(--line);padding:.7em 1.2em}
h1{font-size:18px;margin:0 0 .3em}h2{font-size:17px;margin:.2em 0}h3{font-size:15px;margin:1.2em 0 .4em}
main{padding:1em 1.2em}
.meta{color:#57606a}
.chips{display:flex;flex-wrap:wrap;gap:.4em;margin:.5em 0 0;align-items:center}
.chip{border:1px solid var(--line);background:var(--bg);border-radius:2em;padding:.2em .8em;cursor:pointer;font:inherit}
.chip[aria-pressed=true]{background:#0969da;color:#fff;border-color:#0969da}
#search{font:inherit;padding:.3em .6em;border:1px solid var(--line);border-radius:6px;min-width:22em;margin-left:auto}
table{border-collapse:collapse;margin:.3em 0}
th,td{border:1px solid var(--line);padding:.25em .55em;text-align:left;vertical-align:top}
th{background:var(--bg);font-weight:600}
.matrix td.cell{padding:0;min-width:7em}
.matrix td.cell button{display:block;width:100%;border:0;padding:.3em .55em;font:inherit;cursor:pointer;text-align:left;background:transparent}
.matrix td.dim{opacity:.25}
.o-passed{background:#dafbe1}.o-failed{background:#ffebe9}.o-infra-error,.o-config-error,.o-interrupted{background:#fff1e5}
.o-flaky{background:#fff8c5}.o-skipped,.o-expected-failure{background:#eaeef2}.o-cached{background:#eef6f0}
.badge{display:inline-block;border-radius:1em;padding:0 .6em;font-size:12px;font-weight:600;color:#fff;background:var(--skip)}
.b-passed{background:var(--pass)}.b-failed{background:var(--fail)}.b-infra-error,.b-config-error,.b-interrupted{background:var(--infra)}.b-flaky{background:var(--flaky)}
.list{table-layout:fixed;width:100%}.list tr{cursor:pointer}
.list td{overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
.list th:nth-child(1){width:8em}.list th:nth-child(2){width:32%}.list th:nth-child(3){width:6em}.list tr:hover td{background:#f3f8ff}
.err{color:var(--fail)}
.small{font-size:12px;color:#57606a}
code,pre{font:12px/1.4 ui-monospace,SFMono-Regular,Menlo,monospace}
#panel{position:fixed;top:0;right:0;bottom:0;width:min(1100px,78vw);background:#fff;box-shadow:-4px 0 18px rgba(0,0,0,.18);z-index:3;overflow:auto;padding:1em 1.4em 3em}
#panel[hidden]{display:none}
#close{position:sticky;top:0;float:right;font:inherit;font-size:18px;border:1px solid var(--line);background:#fff;border-radius:6px;cursor:pointer}
.errbox{border-left:4px solid var(--fail);background:#fff5f5;padding:.5em .8em;white-space:pre-wrap}
.compare .modes{margin:.3em 0}
.compare figure{display:inline-block;margin:0 .6em .6em 0;vertical-align:top;width:calc(33% - .6em)}
.compare figure .shot{width:100%}
.compare .flipimg,.compare .stage .shot{width:min(100%,800px)}
.compare figcaption{font-size:12px;color:#57606a}
.shot{max-width:100%;border:1px solid #8c959f;image-rendering:pixelated;background:#000}
.stage{position:relative;display:inline-block;max-width:100%}
.stage .over{position:absolute;top:0;left:0;width:100%;height:100%;overflow:hidden}
.stage .over img{max-width:none}
.slide:not([hidden]){display:inline-block;max-width:100%}.slider{width:100%}
.frames img{height:90px;margin:.2em;border:1px solid #8c959f;image-rendering:pixelated}
pre.serial{background:#0d1117;color:#c9d1d9;padding:.6em;max-height:30em;overflow:auto;white-space:pre-wrap;word-break:break-all}
pre.serial .hit{background:#1f6f3f;color:#fff}pre.serial .bad{background:#b62324;color:#fff}
.repro{display:flex;gap:.5em;align-items:center}.repro code{background:var(--bg);padding:.3em .5em;border-radius:4px;flex:1;overflow:auto;white-space:nowrap}
.empty{color:#57606a;font-style:italic}
.incomplete{background:#fff1e5;border:1px solid #d4a72c;padding:.4em .6em;border-radius:4px}
`;
