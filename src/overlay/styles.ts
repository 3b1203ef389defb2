// Constructed stylesheets work under a strict CSP (no 'unsafe-inline'); where they are missing the panel stays
// unstyled but usable.
const css = `
:host{all:initial;position:fixed;z-index:2147483647;bottom:12px;right:12px;font:12px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;color:#e6e6e6}
:host([hidden]){display:none}
:host(.tl),:host(.tr){top:12px;bottom:auto}:host(.tl),:host(.bl){left:12px;right:auto}
.p{width:min(760px,calc(100vw - 24px));background:#1d1f23;border:1px solid #444;border-radius:8px;box-shadow:0 6px 24px #0008;overflow:hidden}
.hd{display:flex;gap:8px;align-items:center;padding:6px 8px;background:#2a2d33}
.hd b{flex:1}
.dot{width:9px;height:9px;border-radius:50%;background:#888}
.active{background:#3fb950}.expired{background:#f85149}.unknown{background:#d29922}
button{font:inherit;color:inherit;background:#353942;border:1px solid #555;border-radius:4px;padding:2px 8px;cursor:pointer}
button:hover,button.on{background:#4a5060}
.c .bd{display:none}
.ss{margin:0;display:grid;grid-template-columns:repeat(3,auto 1fr);gap:2px 10px;padding:8px;border-bottom:1px solid #333}
.ss dt{color:#8b949e}.ss dd{margin:0;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
.tb{display:flex;gap:4px;padding:6px 8px 0}
.ls{height:260px;overflow:auto;padding:4px 0;border-top:1px solid #333;margin-top:6px}
.r{display:grid;grid-template-columns:44px 1fr 44px 40px 56px 90px 64px 70px;gap:6px;padding:2px 8px;white-space:nowrap}
.r>*{overflow:hidden;text-overflow:ellipsis}
.r:nth-child(odd){background:#23262b}
.hr{color:#8b949e;position:sticky;top:-4px;background:#1d1f23!important}
.err{color:#f85149}.ok{color:#3fb950}.run{color:#d29922}
.ev{padding:2px 8px;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
.ev i{color:#8b949e;font-style:normal;margin-right:8px}
.f{padding:6px 8px;border-bottom:1px solid #333;white-space:normal}
.f b{margin-right:6px}.f p{margin:2px 0;color:#c9d1d9}.f .fx{color:#79c0ff}
.error{color:#f85149}.warning{color:#d29922}.info{color:#79c0ff}
.ac{display:flex;flex-wrap:wrap;gap:6px;padding:6px 8px;border-top:1px solid #333;background:#23262b}
.ac span{color:#8b949e;align-self:center;margin-left:6px}
a{color:#79c0ff}
.em{padding:8px;color:#8b949e}
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
