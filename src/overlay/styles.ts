// Constructed stylesheets work under a strict CSP (no 'unsafe-inline'); where they are missing the panel stays
// unstyled but usable.
const css = `
:host{all:initial;position:fixed;z-index:2147483647;bottom:12px;right:12px;font:12px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;color:#e6e6e6}
:host([hidden]){display:none}
:host(.tl),:host(.tr){top:12px;bottom:auto}:host(.tl),:host(.bl){left:12px;right:auto}
.p{box-sizing:border-box;width:min(800px,calc(100vw - 24px));background:#1d1f23;border:1px solid #444;border-radius:8px;box-shadow:0 6px 24px #0008;overflow:hidden}
.hd{display:flex;gap:8px;align-items:center;padding:6px 8px;background:#2a2d33}
.hd b{flex:1;white-space:nowrap}
.dot{width:9px;height:9px;border-radius:50%;background:#888}
.active{background:#3fb950}.expired{background:#f85149}.unknown{background:#d29922}
button{white-space:nowrap;font:inherit;color:inherit;background:#353942;border:1px solid #555;border-radius:4px;padding:2px 8px;cursor:pointer}
button:hover,button.on{background:#4a5060}
[hidden]{display:none!important}
.bg{font-weight:bold;border-color:currentColor}
.c .bd{display:none}
.ss{margin:0;display:grid;grid-template-columns:repeat(3,auto 1fr);gap:2px 10px;padding:8px;border-bottom:1px solid #333}
.ss dt{color:#8b949e}.ss dd{margin:0;overflow-wrap:anywhere}
.tb{display:flex;flex-wrap:wrap;gap:4px;padding:6px 8px 0}
.ls{height:260px;overflow:auto;padding:4px 0;border-top:1px solid #333;margin-top:6px}
.r{display:grid;grid-template-columns:44px minmax(0,1fr) 44px 100px 44px 52px 76px 52px 60px;gap:6px;padding:2px 8px;overflow-wrap:anywhere}
.r>.u{white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
.r>.x{display:flex;flex-wrap:wrap;gap:4px}
.g{border-left:2px solid transparent}.g:nth-child(even){background:#23262b}
.g.bad{border-left-color:#f85149}.g.wait{border-left-color:#d29922}
.a{color:#8b949e}.a>.nx{grid-column:5/-1}
.mk{padding:0 4px;border-color:currentColor}
.hr{color:#8b949e;position:sticky;top:-4px;background:#1d1f23;z-index:1}
.err{color:#f85149}.ok{color:#3fb950}.run{color:#d29922}
.ev{padding:2px 8px;overflow-wrap:anywhere}
.ev i{color:#8b949e;font-style:normal;margin-right:8px}
.f{padding:6px 8px;border-bottom:1px solid #333;white-space:normal}
.f b{margin-right:6px}.f p{margin:2px 0;color:#c9d1d9;overflow-wrap:anywhere}.f .fx{color:#79c0ff}
.error{color:#f85149}.warning{color:#d29922}.info{color:#79c0ff}
.ac{display:flex;flex-wrap:wrap;gap:6px;padding:6px 8px;border-top:1px solid #333;background:#23262b}
.ac span{color:#8b949e;align-self:center;margin-left:6px}
a{color:#79c0ff}
.em{padding:8px;color:#8b949e}
@media (max-width:620px){
.ss{grid-template-columns:auto auto auto 1fr}
.r.hr{display:none}
.r{display:flex;flex-wrap:wrap;gap:0 8px}
.r>:empty{display:none}
.r>.u{flex:1 1 calc(100% - 60px);white-space:normal}
.m>:nth-child(3),.a>:nth-child(2){margin-left:52px}
.a>.nx{flex-basis:100%;margin-left:52px}
[data-l]::before{content:attr(data-l);color:#8b949e}
}
`;

/** Styles the shadow root: adoptedStyleSheets, or a <style> element (harmless: a strict CSP only blocks it). */
export const applyStyles = (root: ShadowRoot): void => {
  try {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(css);
    root.adoptedStyleSheets = [sheet];
  } catch {
    const style = document.createElement('style');
    style.textContent = css;
    root.append(style);
  }
};
