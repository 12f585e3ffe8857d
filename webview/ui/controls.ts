/**
 * The page's controls: choices from @vscode-elements/elements (`vscode-single-select`, the successor
 * of the archived webview-ui-toolkit; its chevron is inline SVG, so it needs no codicon font), and a
 * native range input for the measurement slider (the elements library has no slider). Each control
 * re-renders only when its options change, so a live update does not reset an open dropdown.
 */
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import { h, setText } from './dom';

let ids = 0;

export interface Choice {
  value: string;
  label: string;
}

export class SelectControl {
  readonly el: HTMLElement;
  private readonly select: HTMLElementTagNameMap['vscode-single-select'];
  private signature = '';

  constructor(label: string, onChange: (value: string) => void) {
    const id = `ntk-select-${++ids}`;
    this.select = h('vscode-single-select', { id, 'aria-label': label });
    this.select.addEventListener('change', () => onChange(this.select.value));
    this.el = h('span', { class: 'ntk-control' }, h('label', { for: id }, label), this.select);
  }

  /** Set the choices and the selected value (rebuilding the options only when they changed). */
  set(choices: Choice[], value: string): void {
    const signature = JSON.stringify(choices);
    if (signature !== this.signature) {
      this.signature = signature;
      this.select.replaceChildren(...choices.map((c) => h('vscode-option', { value: c.value, selected: c.value === value }, c.label)));
    }
    if (this.select.value !== value) this.select.value = value;
  }

  get value(): string {
    return this.select.value;
  }
}

export class SliderControl {
  readonly el: HTMLElement;
  readonly input: HTMLInputElement;
  private readonly output: HTMLOutputElement;

  constructor(label: string, onInput: (index: number) => void) {
    const id = `ntk-slider-${++ids}`;
    this.input = h('input', { id, type: 'range', min: 0, max: 0, step: 1, value: 0, 'aria-label': label });
    this.output = h('output', { for: id });
    this.input.addEventListener('input', () => onInput(Number(this.input.value)));
    this.el = h('span', { class: 'ntk-slider' }, h('label', { for: id }, label), this.input, this.output);
  }

  set(count: number, index: number, text: string): void {
    const max = String(Math.max(0, count - 1));
    if (this.input.max !== max) this.input.max = max;
    if (this.input.value !== String(index)) this.input.value = String(index);
    this.input.disabled = count <= 1;
    this.input.setAttribute('aria-valuetext', text);
    setText(this.output, text);
  }
}
