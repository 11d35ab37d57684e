// The code editor: CodeMirror 6 with Python highlighting, one editor per student file.
import { indentWithTab } from '@codemirror/commands';
import { indentUnit } from '@codemirror/language';
import { python } from '@codemirror/lang-python';
import { EditorState } from '@codemirror/state';
import { keymap } from '@codemirror/view';
import { basicSetup, EditorView } from 'codemirror';

export interface CodeEditor {
  readonly element: HTMLElement;
  getText(): string;
  setText(text: string): void;
  focus(): void;
}

/** An editor for one file; onChange is called (debounced by the caller if needed) on every edit. */
export function createEditor(text: string, label: string, onChange: (text: string) => void): CodeEditor {
  const element = document.createElement('div');
  element.className = 'editor';
  const view = new EditorView({
    parent: element,
    state: EditorState.create({
      doc: text,
      extensions: [
        basicSetup,
        python(),
        // Tab indents; Escape then Tab leaves the editor (CodeMirror's own escape hatch).
        keymap.of([indentWithTab]),
        EditorState.tabSize.of(4),
        // Python's four spaces (CodeMirror indents by two unless told).
        indentUnit.of('    '),
        // An explicit tab stop: the editable area is what Tab reaches (and what lets a keyboard
        // scroll the editor); CodeMirror already makes it a multi-line textbox, named by the file.
        EditorView.contentAttributes.of({ 'aria-label': label, tabindex: '0' }),
        EditorView.updateListener.of((update) => {
          if (update.docChanged) onChange(update.state.doc.toString());
        }),
      ],
    }),
  });
  return {
    element,
    getText: () => view.state.doc.toString(),
    setText: (next) => view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: next } }),
    focus: () => view.focus(),
  };
}
