// Exercise statements: Markdown rendered safely. Raw HTML in the source is shown as text (html:
// false), links with script-like schemes are refused (markdown-it's validateLink), and Python code
// blocks are highlighted with the same parser as the editor.
import { pythonLanguage } from '@codemirror/lang-python';
import { classHighlighter, highlightCode } from '@lezer/highlight';
import MarkdownIt from 'markdown-it';

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function highlightPython(code: string): string {
  let html = '';
  highlightCode(
    code,
    pythonLanguage.parser.parse(code),
    classHighlighter,
    (text, classes) => {
      html += classes ? `<span class="${classes}">${escapeHtml(text)}</span>` : escapeHtml(text);
    },
    () => {
      html += '\n';
    },
  );
  return html;
}

const md = new MarkdownIt({
  html: false,
  linkify: false,
  typographer: false,
  highlight: (code, lang) => (/^(py|python3?)$/i.test(lang.trim()) ? highlightPython(code) : ''),
});

// Only web and mail links, and in-page anchors; everything else is shown as plain text.
const SAFE_LINK = /^(https?:|mailto:|#|\/(?!\/)|\.{0,2}\/)/i;
md.validateLink = (url: string) => SAFE_LINK.test(url.trim());

const defaultLinkOpen = md.renderer.rules.link_open ?? ((tokens, idx, options, _env, self) => self.renderToken(tokens, idx, options));
md.renderer.rules.link_open = (tokens, idx, options, env, self) => {
  tokens[idx].attrSet('rel', 'noopener noreferrer nofollow');
  return defaultLinkOpen(tokens, idx, options, env, self);
};

/** Markdown → an element holding the rendered (sanitised) HTML. */
export function renderMarkdown(source: string): HTMLElement {
  const container = document.createElement('div');
  container.className = 'prose';
  container.innerHTML = md.render(source);
  return container;
}
