/** The error `run` throws; fails the test when it throws nothing (a catch that swallows would pass silently). */
export const thrown = (run: () => unknown): unknown => {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error(`expected ${run.toString().slice(0, 80)} to throw`);
};
