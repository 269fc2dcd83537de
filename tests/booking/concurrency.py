"""Running patients' requests at the same moment, for the race tests."""

import threading


def run_together(count, patient):
    """Call `patient(index)` for each index in threads of their own; return when all are done.

    `patient` waits on a `threading.Barrier(count)` before its request, so they start together.
    """
    threads = [threading.Thread(target=patient, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
