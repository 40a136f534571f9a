-- "Done" no longer ends giving ideas: a person can add more while the session collects, up to its limit. Whoever
-- had finished (the old end node `thanks`) is put back at the question, with the ideas they still have counted
-- and numbered on from the highest, so a later idea never takes the number of an earlier one.
UPDATE run
SET node = 'ask',
    version = 2,
    done = 0,
    scratch = (
        SELECT json_object(
            'live', json(COALESCE((SELECT json_group_array(seq) FROM (
                SELECT i.seq FROM idea i JOIN membership m ON m.id = i.membership_id
                WHERE m.participant_id = run.participant_id AND m.session_id = run.subject ORDER BY i.seq)), '[]')),
            'last', COALESCE((
                SELECT max(i.seq) FROM idea i JOIN membership m ON m.id = i.membership_id
                WHERE m.participant_id = run.participant_id AND m.session_id = run.subject), 0)))
WHERE purpose = 'session' AND flow = 'ideas' AND node = 'thanks';
