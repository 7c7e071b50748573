// Time, injected so that tests never sleep.

export interface Clock {
  now(): Date;
}
