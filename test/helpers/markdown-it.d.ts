// The part of markdown-it (a CommonMark renderer, installed with @vscode/vsce) the tooltip tests use;
// the package ships no types of its own.
declare module 'markdown-it' {
  interface Options {
    html?: boolean;
    linkify?: boolean;
    typographer?: boolean;
  }
  class MarkdownIt {
    constructor(options?: Options);
    render(src: string): string;
  }
  export = MarkdownIt;
}
