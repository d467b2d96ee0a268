import "@testing-library/jest-dom/vitest";

// jsdom has no layout: bind:clientWidth/clientHeight need a ResizeObserver that never fires.
if (!("ResizeObserver" in globalThis)) {
  globalThis.ResizeObserver = class {
    observe() {}
    unobserve() {}
    disconnect() {}
  };
}
