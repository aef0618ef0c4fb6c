import { Fragment } from 'react';

/** Engine messages quote commands and paths in `backticks`; show those as code so they read as something to type. */
export function InlineCode({ text }: { text: string }) {
  const parts = text.split('`');
  // An odd count of backticks leaves the last part unclosed; show it as plain text rather than guess.
  const closed = parts.length % 2 === 1;
  return (
    <>
      {parts.map((part, index) =>
        index % 2 === 1 && (closed || index < parts.length - 1) ? (
          <code key={index}>{part}</code>
        ) : (
          <Fragment key={index}>{index % 2 === 1 ? `\`${part}` : part}</Fragment>
        ),
      )}
    </>
  );
}
