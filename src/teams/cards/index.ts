// Cards are JSON templates (this folder) expanded with typed data by adaptivecards-templating,
// one module per card; this file is the one door the rest of the Teams layer goes through. Every
// value people typed goes through shownAsText before it enters the data of a card that displays it
// (Input values and action data stay as they are).
export * from './expand';
export * from './result';
export * from './approval';
export * from './ownersView';
export * from './info';
export * from './lifecycle';
