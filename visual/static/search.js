// The search box: suggestions from /api/search as you type (Chinese or English, partial words), chosen with
// the mouse or the keyboard (↑ ↓ to move, Enter to choose, Escape to close). ARIA combobox pattern.

import { className, getJSON, h, nameOf, otherName, shapeIcon, t } from "./dom.js";

const DELAY_MS = 120;
const LIMIT = 12;

export class SearchBox {
  constructor(input, list, onChoose) {
    this.input = input;
    this.list = list;
    this.onChoose = onChoose;
    this.hits = [];
    this.active = -1;
    this.timer = null;
    this.controller = null;
    input.addEventListener("input", () => this.schedule());
    input.addEventListener("keydown", (event) => this.onKey(event));
    input.addEventListener("focus", () => { if (this.hits.length && input.value.trim()) this.open(); });
    input.addEventListener("blur", () => setTimeout(() => this.close(), 150));
  }

  schedule() {
    clearTimeout(this.timer);
    this.pending = this.fetch();
  }

  fetch() {
    clearTimeout(this.timer);
    return new Promise((resolve) => {
      this.timer = setTimeout(async () => {
        const q = this.input.value.trim();
        if (this.controller) this.controller.abort();
        if (!q) {
          this.hits = [];
          this.close();
          resolve();
          return;
        }
        this.controller = new AbortController();
        try {
          this.hits = (await getJSON(`/api/search?q=${encodeURIComponent(q)}&limit=${LIMIT}`,
                                     { signal: this.controller.signal })).items;
          if (this.input.value.trim() === q) this.render();
        } catch (error) {
          if (error.name !== "AbortError") this.renderMessage(t("failed") + error.message);
        }
        resolve();
      }, DELAY_MS);
    });
  }

  render() {
    this.active = -1;
    if (!this.hits.length) {
      this.renderMessage(t("search_none"));
      return;
    }
    this.list.replaceChildren(...this.hits.map((hit, i) => h("li", {
      id: `search-option-${i}`, role: "option", "aria-selected": "false", "data-id": hit.id,
      on: { mousedown: (event) => { event.preventDefault(); this.choose(i); } },
    }, shapeIcon(hit.type, 14), h("span", { class: "hit-name" }, nameOf(hit)),
    otherName(hit) ? h("span", { class: "hit-other" }, otherName(hit)) : null,
    h("span", { class: "hit-type" }, className(hit.type)))));
    this.open();
  }

  renderMessage(text) {
    this.list.replaceChildren(h("li", { class: "message", role: "option", "aria-disabled": "true" }, text));
    this.open();
  }

  /** Re-render in the current language (the toggle). */
  refresh() {
    if (!this.list.hidden && this.hits.length) this.render();
  }

  open() {
    this.list.hidden = false;
    this.input.setAttribute("aria-expanded", "true");
  }

  close() {
    this.list.hidden = true;
    this.input.setAttribute("aria-expanded", "false");
    this.input.removeAttribute("aria-activedescendant");
  }

  move(step) {
    if (!this.hits.length) return;
    this.active = (this.active + step + this.hits.length) % this.hits.length;
    [...this.list.children].forEach((li, i) => li.setAttribute("aria-selected", String(i === this.active)));
    this.input.setAttribute("aria-activedescendant", `search-option-${this.active}`);
    this.list.children[this.active]?.scrollIntoView({ block: "nearest" });
  }

  async onKey(event) {
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      if (this.list.hidden && this.hits.length) this.open();
      this.move(event.key === "ArrowDown" ? 1 : -1);
    } else if (event.key === "Enter") {
      event.preventDefault();
      if (this.pending) await this.pending; // typed fast: wait for the answer to what was typed
      if (this.hits.length) this.choose(Math.max(this.active, 0));
    } else if (event.key === "Escape") {
      this.close();
    }
  }

  choose(i) {
    const hit = this.hits[i];
    if (!hit) return;
    this.close();
    this.input.value = nameOf(hit);
    this.onChoose(hit);
  }
}
