"""The chat's look (CSS) and its one behaviour in the browser (JS: a ``[n]`` click brings card n into view).

They are Python strings rather than files so they ship with the package as it is declared, and they reach the page
through components (a ``<style>`` in the header's ``head``, the sources panel's ``js_on_load``), which works both
when the app is launched and when it is mounted into another FastAPI server.
"""

CSS = """
.gradio-container { --nd-ink: #1f2328; --nd-muted: #57606a; --nd-rule: #d0d7de; --nd-accent: #0b5cad;
  --nd-mark: #fff1a8; --nd-hit: #f2a900; }
.nd-header h1 { font: 700 1.6rem/1.2 Georgia, 'Times New Roman', serif; margin: 0 0 .1rem; letter-spacing: -.01em; }
.nd-header .nd-tagline { margin: 0 0 .3rem; color: var(--nd-muted); font-size: .95rem; }
.nd-header .nd-facts { margin: 0; font-size: 1rem; }
.nd-header .nd-sources-line { margin: .1rem 0 0; color: var(--nd-muted); font-size: .85rem; }
.nd-header .nd-count { color: var(--nd-muted); font-variant-numeric: tabular-nums; }
.nd-header .nd-problem { color: #9a3412; font-weight: 600; }
.nd-status { margin: 0; font-size: .9rem; color: var(--nd-ink); }
.nd-status .nd-hint { color: #9a3412; }
.nd-status.nd-bad { color: #b42318; font-weight: 600; }
#nd-chat .nd-answer, #nd-chat .nd-answer p, #nd-chat .nd-answer li {
  font: 1.05rem/1.55 Georgia, 'Times New Roman', serif; color: var(--nd-ink); }
#nd-chat .nd-answer p { margin: 0 0 .4rem; }
#nd-chat .nd-abstain p { color: var(--nd-muted); font-style: italic; }
#nd-chat .nd-draft, #nd-chat .nd-draft * { color: #6e7781 !important; font: italic .98rem/1.5 Georgia, serif; }
#nd-chat a.nd-marker { display: inline-block; margin: 0 .08em; padding: 0 .28em; border-radius: 4px;
  background: #e7f0fb; color: var(--nd-accent) !important; font: 600 .78em/1.4 system-ui, sans-serif;
  text-decoration: none !important; vertical-align: .15em; cursor: pointer; }
#nd-chat a.nd-marker:hover, #nd-chat a.nd-marker:focus { background: var(--nd-accent); color: #fff !important; }
#nd-chat .nd-marker-plain { color: var(--nd-muted); font: 600 .78em system-ui, sans-serif; vertical-align: .15em; }
#nd-chat .nd-left-out s { color: var(--nd-muted); }
#nd-chat .nd-why, #nd-chat .nd-reason { color: var(--nd-muted); font-size: .85rem; }
#nd-chat .nd-error, #nd-notice .nd-error { color: #b42318; font-weight: 500; }
#nd-notice p { margin: 0; color: #9a3412; font-size: .9rem; }
#nd-notice:not(:has(p)) { display: none; }
#nd-sources h3 { font: 700 1.05rem/1.3 Georgia, serif; margin: .2rem 0 .5rem; }
#nd-sources details.nd-turn > summary { cursor: pointer; color: var(--nd-muted); margin: .6rem 0 .3rem; }
#nd-sources .nd-note, #nd-sources .nd-panel-empty p { color: var(--nd-muted); font-size: .9rem; }
#nd-sources .nd-card { border: 1px solid var(--nd-rule); border-left: 4px solid var(--nd-rule); border-radius: 6px;
  padding: .55rem .7rem; margin: 0 0 .6rem; background: var(--block-background-fill, #fff);
  transition: box-shadow .3s, border-color .3s, background-color .3s; scroll-margin: 80px; }
#nd-sources .nd-card.nd-hit { border-color: var(--nd-hit); border-left-color: var(--nd-hit);
  box-shadow: 0 0 0 3px rgba(242, 169, 0, .35); background: #fffbeb; }
#nd-sources .nd-card-head { display: flex; flex-wrap: wrap; gap: .5rem; align-items: baseline;
  font: 600 .82rem/1.3 system-ui, sans-serif; }
#nd-sources .nd-num { background: var(--nd-accent); color: #fff; border-radius: 4px; padding: 0 .35em; }
#nd-sources .nd-uncited .nd-num { background: var(--nd-muted); }
#nd-sources .nd-date { color: var(--nd-ink); font-weight: 700; font-size: .92rem; }
#nd-sources .nd-source { color: var(--nd-muted); text-transform: uppercase; letter-spacing: .04em; }
#nd-sources .nd-title { font: 700 1rem/1.3 Georgia, serif; margin: .25rem 0 .35rem; }
#nd-sources .nd-title a { color: var(--nd-accent); text-decoration: none; }
#nd-sources .nd-title a:hover { text-decoration: underline; }
#nd-sources .nd-passage { margin: 0; padding: 0 0 0 .6rem; border-left: 2px solid var(--nd-rule);
  font: .93rem/1.5 Georgia, serif; color: #30363d; }
#nd-sources mark, #nd-chat mark { background: var(--nd-mark); color: inherit; padding: 0 .1em; }
#nd-sources .nd-support-extra { font-size: .88rem; margin: .35rem 0 0; }
@media (max-width: 720px) {
  .nd-header h1 { font-size: 1.3rem; }
  .nd-header .nd-tagline, .nd-header .nd-sources-line { display: none; }
  #nd-chat { min-height: 110px !important; }
  #nd-chat .examples button, #nd-chat .example { padding: .35rem .6rem !important; min-height: 0 !important; }
  .gradio-container { padding-top: .4rem !important; }
}
"""

# A capturing listener on the document, so markers rendered later (every answer re-renders the chat) work too.
MARKER_JS = """
if (!window.__newsdeskMarkers) {
  window.__newsdeskMarkers = true;
  document.addEventListener('click', (event) => {
    const link = event.target.closest ? event.target.closest('a.nd-marker') : null;
    if (!link) return;
    event.preventDefault();
    event.stopPropagation();
    const card = document.getElementById((link.getAttribute('href') || '').replace(/^#/, ''));
    if (!card) return;
    for (let node = card.parentElement; node; node = node.parentElement) {
      if (node.tagName === 'DETAILS') node.open = true;
    }
    document.querySelectorAll('.nd-card.nd-hit').forEach((other) => other.classList.remove('nd-hit'));
    card.classList.add('nd-hit');
    card.scrollIntoView({behavior: 'smooth', block: 'center'});
    card.focus({preventScroll: true});
  }, true);
}
"""

# The question is echoed in the browser, before any round trip to a server that may be busy answering others; the
# server's own echo follows and matches it. Returns (conversation, question box, the question taken). An empty
# question leaves all as it is and takes nothing. Messages are in the Chatbot's own format (content as parts).
ECHO_JS = """(message, history) => {
  const text = (message || '').trim();
  if (!text) return [history, message, ''];
  const escaped = text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;').replace(/'/g, '&#x27;');
  const part = (value) => [{type: 'text', text: value}];
  return [[...(history || []),
           {role: 'user', metadata: null, content: part(escaped), options: null},
           {role: 'assistant', metadata: {title: SEARCHING, status: 'pending'}, content: part(''), options: null}],
          '', text];
}"""

HEAD = f'<style id="newsdesk-chat-style">{CSS}</style>'
