/**
 * What a stored pipeline may name: MeshyDB's supported stages (data/projecting.rst) with their
 * modern aliases, and MongoDB's expression, accumulator, query and projection operators that the
 * engine (mingo) implements, less those that run code or reach outside the account.
 */
export const STAGES: ReadonlySet<string> = new Set([
  '$addFields', '$bucket', '$bucketAuto', '$count', '$graphLookup', '$facet', '$group', '$limit', '$lookup', '$match',
  '$project', '$redact', '$replaceRoot', '$sample', '$skip', '$sort', '$sortByCount', '$unwind', '$set', '$unset', '$replaceWith',
]);

/**
 * Blocking stages, each with a memory cap, by what they hold: $sort and $bucketAuto hold their
 * whole input (they sort it); $group and its kin hold their groups' state, which is what they
 * answer ($push: '$$ROOT' holds everything, $sum: 1 a number a group), as a $facet holds its
 * pipelines' answers.
 */
export const HOLDS_INPUT: ReadonlySet<string> = new Set(['$sort', '$bucketAuto']);
export const HOLDS_OUTPUT: ReadonlySet<string> = new Set(['$group', '$bucket', '$sortByCount', '$facet']);

/** Named so that the refusal says why, rather than "unknown". */
export const REFUSED: ReadonlyMap<string, string> = new Map([
  ['$out', 'writes a collection'],
  ['$merge', 'writes a collection'],
  ['$function', 'runs code'],
  ['$accumulator', 'runs code'],
  ['$where', 'runs code'],
  ['$jsonSchema', 'is not supported'],
  ['$unionWith', 'is not supported'],
  ['$documents', 'is not supported'],
  ['$setWindowFields', 'is not supported'],
  ['$densify', 'is not supported'],
  ['$fill', 'is not supported'],
]);

const EXPRESSION = `$abs $add $ceil $divide $exp $floor $ln $log $log10 $mod $multiply $pow $round $sigmoid $sqrt $subtract $trunc
  $arrayElemAt $arrayToObject $concatArrays $filter $first $firstN $in $indexOfArray $isArray $last $lastN $map $maxN $minN $range
  $reduce $reverseArray $size $slice $sortArray $zip $bitAnd $bitNot $bitOr $bitXor $and $not $or $cmp $eq $gt $gte $lt $lte $ne
  $cond $ifNull $switch $dateAdd $dateDiff $dateFromParts $dateFromString $dateSubtract $dateToParts $dateToString $dateTrunc
  $dayOfMonth $dayOfWeek $dayOfYear $hour $isoDayOfWeek $isoWeek $isoWeekYear $millisecond $minute $month $second $week $year
  $literal $median $getField $rand $sampleRate $mergeObjects $objectToArray $setField $unsetField $percentile $allElementsTrue
  $anyElementTrue $setDifference $setEquals $setIntersection $setIsSubset $setUnion $concat $indexOfBytes $ltrim $regexFind
  $regexFindAll $regexMatch $replaceAll $replaceOne $rtrim $split $strcasecmp $strLenBytes $strLenCP $substr $substrBytes
  $substrCP $toLower $toUpper $trim $toHashedIndexKey $acos $acosh $asin $asinh $atan $atan2 $atanh $cos $cosh $degreesToRadians
  $radiansToDegrees $sin $sinh $tan $tanh $convert $isNumber $toBool $toDate $toDecimal $toDouble $toInt $toLong $toString $type $let`;
const ACCUMULATOR = `$addToSet $avg $bottom $bottomN $count $covariancePop $covarianceSamp $first $firstN $last $lastN $max $maxN
  $median $mergeObjects $min $minN $percentile $push $stdDevPop $stdDevSamp $sum $top $topN`;
const QUERY = `$all $elemMatch $size $bitsAllClear $bitsAllSet $bitsAnyClear $bitsAnySet $eq $gt $gte $in $lt $lte $ne $nin
  $exists $type $expr $mod $regex $options $and $nor $not $or`;
const PROJECTION = '$elemMatch $slice';

export const OPERATORS: ReadonlySet<string> = new Set([EXPRESSION, ACCUMULATOR, QUERY, PROJECTION].join(' ').split(/\s+/).filter(Boolean));
